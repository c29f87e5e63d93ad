"""Curating labs and models. Every save goes through providers/curation.py: validated, locked against syncs,
recorded with who and when (history is browsable and revertible per object)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from catalog.models import MODEL_FACT_LISTS, MODEL_FACTS, Capability, Lab, LanguageModel, Modality, ModelAlias
from config.admin import HTTPS_URLS
from lib import formatting
from providers import curation
from providers.models import Offering
from providers.validation import model_problems


@admin.register(Lab)
class LabAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "slug", "website_url"]
    search_fields = ["name", "slug"]


@admin.register(Modality, Capability)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


class AliasInline(admin.TabularInline):
    model = ModelAlias
    extra = 0
    fields = ["source", "external_id"]


class OfferingInline(admin.TabularInline):
    """The model's routes, with their current prices; a route's prices are edited on the route's own page."""

    model = Offering
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["provider", "provider_model_id", "region", "quantization", "status", "current_prices"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Offering]:
        return super().get_queryset(request).select_related("provider").prefetch_related("prices")

    @admin.display(description="Current prices")
    def current_prices(self, offering: Offering) -> str:
        current = [p for p in offering.prices.all() if p.effective_to is None]
        return format_html_join("", "<div>{}</div>", ((price.describe(),) for price in current)) or "—"


class WordListField(forms.CharField):
    """A JSON list of short names (supported parameters) edited as "temperature, top_p, tools", not raw JSON."""

    widget = forms.Textarea(attrs={"rows": 2, "cols": 60})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return value

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list | tuple):
            return [str(item) for item in value]
        text = super().to_python(value) or ""
        return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


class LanguageModelForm(forms.ModelForm):
    facts_source_url = forms.URLField(required=False, max_length=500, assume_scheme="https")
    supported_parameters = WordListField(
        required=False, help_text="Comma-separated API parameter names, e.g. temperature, top_p, tools."
    )
    unlock = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Unlock these facts so the sources' values flow in again on the next sync.",
    )

    class Meta:
        model = LanguageModel
        fields = ["lab", "slug", *MODEL_FACTS, *MODEL_FACT_LISTS, "successor"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        locked = self.instance.locked_fields if self.instance and self.instance.pk else {}
        self.fields["unlock"].choices = [(name, name) for name in sorted(locked)]
        if not locked:
            self.fields["unlock"].widget = forms.MultipleHiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        slug = data.get("slug") or self.instance.slug
        lab = data.get("lab")
        if lab and slug and not slug.startswith(f"{lab.slug}/"):
            self.add_error("slug", f"The canonical slug starts with the lab's slug: {lab.slug}/...")
        successor = data.get("successor")
        for field, message in model_problems(
            slug=slug,
            successor_slug=successor.slug if successor else None,
            knowledge_cutoff=data.get("knowledge_cutoff"),
            context_window=data.get("context_window"),
            max_output_tokens=data.get("max_output_tokens"),
            release_date=data.get("release_date"),
            deprecation_date=data.get("deprecation_date"),
            retirement_date=data.get("retirement_date"),
        ).items():
            self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(LanguageModel)
class LanguageModelAdmin(SimpleHistoryAdmin):
    form = LanguageModelForm
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "slug", "lab", "status", "context", "release_date", "locks"]
    list_filter = ["status", "lab", "open_weights", "capabilities"]
    search_fields = ["name", "slug", "aliases__external_id"]
    autocomplete_fields = ["successor"]
    filter_horizontal = ["input_modalities", "output_modalities", "capabilities"]
    readonly_fields = ["lock_list", "snapshot_of"]
    inlines = [AliasInline, OfferingInline]
    list_select_related = ["lab"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The canonical slug never changes once published.
        return [*self.readonly_fields, "slug"] if obj is not None else list(self.readonly_fields)

    @admin.display(description="Context window", ordering="context_window")
    def context(self, model: LanguageModel) -> str:
        if not model.context_window:
            return "—"
        return format_html(
            '<span title="{}">{}</span>',
            formatting.tokens_exact(model.context_window),
            formatting.tokens_short(model.context_window),
        )

    @admin.display(description="Locked facts")
    def locks(self, model: LanguageModel) -> int:
        return len(model.locked_fields)

    @admin.display(description="Locked against syncs")
    def lock_list(self, model: LanguageModel) -> str:
        if not model.locked_fields:
            return "Nothing is locked: syncs may update every fact whose source ranks high enough."
        return format_html_join(
            "",
            "<div>{} — locked by {} at {}</div>",
            (
                (name, lock.get("by", "?"), lock.get("at", "?")[:16])
                for name, lock in sorted(model.locked_fields.items())
            ),
        )

    def save_model(self, request: HttpRequest, obj: LanguageModel, form: LanguageModelForm, change: bool) -> None:
        data = form.cleaned_data
        # Every submitted value goes to the service, which changes (and locks) only what differs from the stored
        # row: right for an edit and for a revert from history alike.
        edited = [name for name in form.fields if name in data and name not in ("unlock", "slug")]
        lists = {name: [item.slug for item in data[name]] for name in curation.MODEL_LISTS if name in edited}
        facts = {name: data[name] for name in edited if name not in curation.MODEL_LISTS}
        try:
            if not change:
                lab = data["lab"]
                created = curation.create_model(
                    lab=lab,
                    slug_part=data["slug"].split("/", 1)[1],
                    name=data["name"],
                    user=request.user,
                    **{k: v for k, v in facts.items() if k not in ("lab", "name")},
                    **lists,
                )
                obj.pk = created.pk
                return
            current = LanguageModel.objects.get(pk=obj.pk)  # `obj` already carries the form's values
            changed = curation.edit_model(current, {**facts, **lists}, user=request.user)
            if data.get("unlock"):
                released = curation.unlock_fields(
                    LanguageModel.objects.get(pk=obj.pk), data["unlock"], user=request.user
                )
                messages.info(request, f"Unlocked: {', '.join(released)}.")
            if changed:
                messages.info(request, f"Changed and locked against syncs: {', '.join(changed)}.")
        except ValidationError as error:
            messages.error(request, "; ".join(f"{k}: {', '.join(v)}" for k, v in error.message_dict.items()))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The model's own lists were saved by the curation service; only the inlines are left to save.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
