"""What the app screens show, computed from a trained model: overview tables and charts, one document read in its themes."""
