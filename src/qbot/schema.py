"""Facts about the database schema that code outside the store needs without importing sqlite-utils."""

SCHEMA_VERSION = 9

#: Tables an ingest may rebuild; nothing else is ever deleted by it.
REPORT_TABLES = ("editions", "report_tables", "sections", "passages", "figures", "lexicon", "segmenter_words",
                 "pinyin", "metric_info", "language_words", "language_groups", "language_cards", "nouns",
                 "report_checks", "spellings", "shapes")

#: Tables that refuse UPDATE and DELETE (triggers): what is submitted is never lost. (The question log
#: refuses UPDATE only: it is pruned after QBOT_LOG_DAYS.)
APPEND_ONLY = ("audit_log", "correction_events", "revisions", "revision_figures", "revision_editions")
