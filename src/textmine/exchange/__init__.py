"""Files written for users and other tools: atomic writers and quote packs (CSV, XLSX, Markdown, DOCX, JSON)."""
