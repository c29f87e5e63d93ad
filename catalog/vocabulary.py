"""The controlled vocabularies of the catalog and the bounds of its values, shared by normalizers, forms and pages."""

import re

# The most tokens a column holds: context windows, max outputs and tier thresholds are PositiveIntegerFields,
# 0..2,147,483,647 on PostgreSQL (SQLite would take more; a value must fit every database the catalog runs on).
# Every writer (sync, admin, API) refuses more, so that a typo is bad input rather than a database error.
MAX_TOKENS = 2_147_483_647

SLUG_PART_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
KNOWLEDGE_CUTOFF_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")

MODALITIES: dict[str, str] = {
    "text": "Text",
    "image": "Image",
    "audio": "Audio",
    "video": "Video",
    "file": "File / PDF",
}

CAPABILITIES: dict[str, str] = {
    "tool_calling": "Tool calling",
    "parallel_tool_calls": "Parallel tool calls",
    "structured_output": "Structured output",
    "json_mode": "JSON mode",
    "reasoning": "Reasoning",
    "vision": "Vision",
    "prompt_caching": "Prompt caching",
    "web_search": "Web search",
    "computer_use": "Computer use",
    "audio_input": "Audio input",
    "audio_output": "Audio output",
    "pdf_input": "PDF input",
    "fine_tuning": "Fine-tuning",
}

# The modality values, for the API schema's one name for them.
MODALITY_VALUES = list(MODALITIES)
