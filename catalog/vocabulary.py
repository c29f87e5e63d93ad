"""The controlled vocabularies of the catalog, shared by normalizers, forms and pages."""

import re

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
