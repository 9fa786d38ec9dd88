"""Reading French: spaCy sentences, lemmas and theme terms, and the segments themes are found on."""
