"""Q&A: answers from the local model grounded in the knowledge base and live market facts."""
