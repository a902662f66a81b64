"""Chinese text handling: normalisation, jieba segmentation, lexicon matching."""
