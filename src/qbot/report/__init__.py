"""From knowledge files to the knowledge base: parse, validate, ingest, audit."""
