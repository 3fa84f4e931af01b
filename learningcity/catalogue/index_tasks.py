"""Background tasks that build and refresh the finder's search index files."""
