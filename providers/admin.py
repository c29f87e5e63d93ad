"""Curating providers, routes and prices; the review queues; syncs. Every edit goes through providers/curation.py.

Past 500 lines: one ModelAdmin per table of the app, each short and mostly declarative, where Django looks for them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from catalog.models import LanguageModel
from config.admin import HTTPS_URLS
from lib import formatting
from providers import curation
from providers.models import (
    ChangeEvent,
    Disagreement,
    HeldChange,
    Offering,
    Price,
    Provider,
    SyncRun,
    UnmatchedId,
)
from providers.sync.sources import REGISTRY
from providers.validation import price_problems


def _report(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, "; ".join(f"{field}: {', '.join(text)}" for field, text in error.message_dict.items()))


class AuditTrailAdmin(admin.ModelAdmin):
    """History and audit rows (price periods, change events, sync runs): only a superuser may delete one, one at a
    time from its own page, and no list offers "delete selected". The Editor group's delete permission does not
    reach them (providers/roles.py), and since Django asks this admin before deleting them with a route or a model,
    an editor cannot erase them that way either."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser) and super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "slug", "kind", "openai_compatible", "website_url"]
    list_filter = ["kind", "openai_compatible"]
    search_fields = ["name", "slug"]


class PriceForm(forms.ModelForm):
    # Narrow inputs, so a route's row of prices fits the admin's width (it spread to 2,137 px).
    source_url = forms.URLField(
        required=False, max_length=500, assume_scheme="https", widget=forms.URLInput(attrs={"size": 28})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.usd is not None:
            self.initial["usd"] = formatting.exact(self.instance.usd)  # 0.075, not 0.075000000
        narrow = {"usd": 9, "tier_min_tokens": 9, "source_name": 18, "published": 14}
        for name, size in narrow.items():
            if name in self.fields:
                self.fields[name].widget.attrs["size"] = size
                self.fields[name].widget.attrs["class"] = f"narrow-{size}"  # static/css/admin.css

    class Meta:
        model = Price
        fields = [
            "component",
            "unit",
            "usd",
            "service_tier",
            "tier_min_tokens",
            "source_url",
            "source_name",
            "verified_on",
            "published",
        ]

    def _new_figure(self, data: dict[str, Any]) -> bool:
        """A price added, or one whose amount or unit changed (not only its provenance)."""
        if not self.instance.pk:
            return data.get("usd") is not None
        return (data.get("usd"), data.get("unit")) != (self.instance.usd, self.instance.unit)

    def _restated(self, data: dict[str, Any], name: str) -> bool:
        """Whether the curator gave `name` for this figure (not empty, and not the old row's value left in place)."""
        value = (data.get(name) or "").strip()
        return bool(value) and (not self.instance.pk or value != getattr(self.instance, name))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        offering = self.instance.offering if self.instance.offering_id else getattr(self, "parent_offering", None)
        context = (offering.context_window or offering.model.context_window) if offering else None
        for field, message in price_problems(
            component=data.get("component", ""),
            unit=data.get("unit"),
            usd=data.get("usd"),
            service_tier=data.get("service_tier", "standard"),
            tier_min_tokens=data.get("tier_min_tokens") or 0,
            context_window=context,
        ).items():
            self.add_error(field if field in self.fields else None, message)
        if (
            self._new_figure(data)
            and not self._restated(data, "source_url")
            and not self._restated(data, "source_name")
        ):
            self.add_error(
                "source_url",
                "A changed price needs its own source: a URL, or a source name or reason (the old figure's source "
                "did not state this one).",
            )
        return data


class CurrentPriceInline(admin.TabularInline):
    """A route's current prices. Changing one closes its period and opens the new figure (history is kept and
    the curator's figure outranks every sync); deleting one ends it."""

    model = Price
    form = PriceForm
    extra = 1
    fields = [
        "component",
        "unit",
        "usd",
        "service_tier",
        "tier_min_tokens",
        "source_url",
        "source_name",
        "verified_on",
        "published",
        "source",
    ]
    readonly_fields = ["source"]
    verbose_name = "current price"
    verbose_name_plural = "current prices (a change closes the old period and opens a new one)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Price]:
        return super().get_queryset(request).filter(effective_to__isnull=True)

    def get_formset(self, request: HttpRequest, obj: Offering | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.parent_offering = obj
        return formset


class OfferingForm(forms.ModelForm):
    class Meta:
        model = Offering
        fields = [
            "model",
            "provider",
            "provider_model_id",
            "region",
            "quantization",
            "route_type",
            "status",
            "context_window",
            "max_output_tokens",
        ]


@admin.register(Offering)
class OfferingAdmin(SimpleHistoryAdmin):
    form = OfferingForm
    formfield_overrides = HTTPS_URLS
    list_display = ["model", "provider", "provider_model_id", "region", "quantization", "status", "source"]
    list_filter = ["status", "route_type", "provider"]
    search_fields = ["model__name", "model__slug", "provider__name", "provider_model_id"]
    autocomplete_fields = ["model", "provider"]
    list_select_related = ["model", "provider"]
    inlines = [CurrentPriceInline]

    class Media:
        css = {"all": ["css/admin.css"]}

    def save_model(self, request: HttpRequest, obj: Offering, form: OfferingForm, change: bool) -> None:
        data = form.cleaned_data
        try:
            if not change:
                created = curation.create_offering(
                    model=data["model"],
                    provider=data["provider"],
                    provider_model_id=data["provider_model_id"],
                    region=data.get("region", ""),
                    quantization=data.get("quantization", ""),
                    user=request.user,
                    route_type=data["route_type"],
                    status=data["status"],
                    context_window=data.get("context_window"),
                    max_output_tokens=data.get("max_output_tokens"),
                )
                obj.pk = created.pk
                return
            edits = {name: data[name] for name in Offering.FACTS if name in data}
            curation.edit_offering(Offering.objects.get(pk=obj.pk), edits, user=request.user)
        except ValidationError as error:
            _report(request, error)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Price:
            return super().save_formset(request, form, formset, change)
        offering = Offering.objects.select_related("model", "provider").get(pk=form.instance.pk)
        for price_form in formset.forms:
            if not price_form.has_changed() and not price_form.cleaned_data.get("DELETE"):
                continue
            data = price_form.cleaned_data
            try:
                if data.get("DELETE") and price_form.instance.pk:
                    curation.end_price(Price.objects.get(pk=price_form.instance.pk), user=request.user)
                elif data and not data.get("DELETE"):
                    curation.set_price(
                        offering,
                        user=request.user,
                        component=data["component"],
                        unit=data["unit"],
                        usd=data["usd"],
                        service_tier=data.get("service_tier") or "standard",
                        tier_min_tokens=data.get("tier_min_tokens") or 0,
                        source_url=data.get("source_url", ""),
                        source_name=data.get("source_name", ""),
                        verified_on=data.get("verified_on"),
                        published=data.get("published", ""),
                    )
            except ValidationError as error:
                _report(request, error)
        # The admin's change message reads these after saving; the curation service wrote the rows itself.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None


@admin.register(Price)
class PriceAdmin(AuditTrailAdmin, SimpleHistoryAdmin):
    """Every price period; read-only here (a price changes on its route's page, which keeps the history). A price is
    ended (its period closed, recorded as a change event), never deleted."""

    list_display = ["offering", "described", "effective_from", "effective_to", "source", "verified_on"]
    list_filter = ["component", "service_tier", "source", ("effective_to", admin.EmptyFieldListFilter)]
    search_fields = ["offering__model__name", "offering__model__slug", "offering__provider__name"]
    list_select_related = ["offering__model", "offering__provider"]
    actions = ["end", "release"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_end_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("providers.change_price"))

    def has_release_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("providers.change_price"))

    @admin.action(description="End price: close these periods now (recorded as a change)", permissions=["end"])
    def end(self, request: HttpRequest, queryset: QuerySet[Price]) -> None:
        ended = 0
        for price in queryset.select_related("offering__model", "offering__provider"):
            try:
                curation.end_price(price, user=request.user)
                ended += 1
            except ValidationError as error:
                _report(request, error)
        messages.info(request, f"Ended {ended} price period(s); history keeps them.")

    @admin.display(description="Price")
    def described(self, price: Price) -> str:
        return price.describe()

    @admin.action(description="Unlock: let the next sync replace these curator prices", permissions=["release"])
    def release(self, request: HttpRequest, queryset: QuerySet[Price]) -> None:
        released = 0
        for price in queryset:
            try:
                curation.release_price(price, user=request.user)
                released += 1
            except ValidationError as error:
                _report(request, error)
        messages.info(request, f"Released {released}; the next sync of each route's source may replace them.")


@admin.register(ChangeEvent)
class ChangeEventAdmin(AuditTrailAdmin):
    list_display = ["occurred_at", "kind", "summary", "actor", "sync_run"]
    list_filter = ["kind", "occurred_at"]
    search_fields = ["summary", "actor", "model__slug"]
    date_hierarchy = "occurred_at"
    list_select_related = ["sync_run"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- review queues ------------------------------------------------------------------------------------------


class UnmatchedForm(forms.ModelForm):
    map_to = forms.ModelChoiceField(
        queryset=LanguageModel.objects.all(),
        required=False,
        help_text="The model this id names. The id becomes an alias and the source's data applies on its next run.",
    )
    new_model_slug = forms.CharField(required=False, help_text="Or create a new canonical model: lab/model")
    new_model_name = forms.CharField(required=False)

    class Meta:
        model = UnmatchedId
        fields = ["status"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        slug = data.get("new_model_slug", "").strip()
        if data.get("map_to") and slug:
            raise forms.ValidationError("Map to an existing model or create a new one, not both.")
        if slug:
            from catalog.models import Lab

            lab_slug, _, part = slug.partition("/")
            if not part or not Lab.objects.filter(slug=lab_slug).exists():
                self.add_error("new_model_slug", "Write lab/model with a lab the catalog knows.")
            if not data.get("new_model_name"):
                self.add_error("new_model_name", "A new model needs a name.")
        return data


@admin.register(UnmatchedId)
class UnmatchedIdAdmin(admin.ModelAdmin):
    form = UnmatchedForm
    list_display = ["external_id", "source", "name", "candidate", "candidate_score", "status", "last_seen_at"]
    list_filter = ["status", "source"]
    search_fields = ["external_id", "name"]
    list_select_related = ["candidate"]
    readonly_fields = [
        "source",
        "external_id",
        "name",
        "candidate",
        "candidate_score",
        "details",
        "first_seen_at",
        "last_seen_at",
    ]
    actions = ["map_to_candidate", "ignore"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def _after_mapping(self, request: HttpRequest, sources: set[str]) -> None:
        from providers.tasks import enqueue_sync

        for source in sorted(sources):
            latest = SyncRun.objects.filter(source=source, payload__isnull=False).order_by("-started_at").first()
            if latest is not None:
                enqueue_sync(source, triggered_by=f"admin:{request.user.get_username()}", replay=latest.pk)
        if sources:
            messages.info(
                request,
                f"Re-applying the last payload of {', '.join(sorted(sources))} so the mapped ids' data lands now.",
            )

    def save_model(self, request: HttpRequest, obj: UnmatchedId, form: UnmatchedForm, change: bool) -> None:
        data = form.cleaned_data
        try:
            if data.get("map_to"):
                curation.map_unmatched(obj, data["map_to"], user=request.user)
            elif data.get("new_model_slug"):
                lab_slug, _, part = data["new_model_slug"].strip().partition("/")
                from catalog.models import Lab

                model = curation.create_model(
                    lab=Lab.objects.get(slug=lab_slug), slug_part=part, name=data["new_model_name"], user=request.user
                )
                curation.map_unmatched(obj, model, user=request.user)
            else:
                obj.save(update_fields=["status"])
                return
            self._after_mapping(request, {obj.source})
        except ValidationError as error:
            _report(request, error)

    @admin.action(description="Map to the suggested candidate")
    def map_to_candidate(self, request: HttpRequest, queryset: QuerySet[UnmatchedId]) -> None:
        mapped, sources = 0, set()
        for unmatched in queryset.filter(status=UnmatchedId.Status.OPEN, candidate__isnull=False):
            try:
                curation.map_unmatched(unmatched, unmatched.candidate, user=request.user)
                mapped += 1
                sources.add(unmatched.source)
            except ValidationError as error:
                _report(request, error)
        messages.info(request, f"Mapped {mapped} id{'s' if mapped != 1 else ''} to their candidates.")
        self._after_mapping(request, sources)

    @admin.action(description="Ignore (not a model we track)")
    def ignore(self, request: HttpRequest, queryset: QuerySet[UnmatchedId]) -> None:
        count = queryset.update(status=UnmatchedId.Status.IGNORED)
        messages.info(request, f"Ignored {count}.")


class RejectForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Why the change is wrong.")


@admin.register(HeldChange)
class HeldChangeAdmin(admin.ModelAdmin):
    list_display = [
        "offering",
        "component",
        "service_tier",
        "tier_min_tokens",
        "was",
        "now",
        "reason",
        "source",
        "status",
        "created_at",
    ]
    list_filter = ["status", "source", "component"]
    search_fields = ["offering__model__slug", "offering__provider__slug"]
    list_select_related = ["offering__model", "offering__provider"]
    readonly_fields = [f.name for f in HeldChange._meta.fields]
    actions = ["approve", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="Was", ordering="old_usd")
    def was(self, change: HeldChange) -> str:
        return formatting.usd(change.old_usd)

    @admin.display(description="Now", ordering="new_usd")
    def now(self, change: HeldChange) -> str:
        return formatting.usd(change.new_usd)

    @admin.action(description="Approve: apply the new price")
    def approve(self, request: HttpRequest, queryset: QuerySet[HeldChange]) -> None:
        applied = 0
        for held in queryset.filter(status=HeldChange.Status.PENDING).select_related("offering__model"):
            try:
                curation.approve_held_change(held, user=request.user)
                applied += 1
            except ValidationError as error:
                _report(request, error)
        messages.info(request, f"Applied {applied} held change{'s' if applied != 1 else ''}.")

    @admin.action(description="Reject… (say why)")
    def reject(self, request: HttpRequest, queryset: QuerySet[HeldChange]) -> HttpResponse | None:
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for held in queryset.filter(status=HeldChange.Status.PENDING):
                curation.reject_held_change(held, user=request.user, reason=form.cleaned_data["reason"])
            messages.info(request, "Rejected; the stored prices are unchanged.")
            return None
        return render(
            request,
            "admin/providers/heldchange/reject.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "changes": queryset,
                "action": "reject",
                "opts": self.model._meta,
            },
        )


def disagreement_counts() -> str:
    """'Open disagreements: 119 prices (input 60, output 59); 12 model facts (knowledge_cutoff 12)'."""
    rows = (
        Disagreement.objects.filter(status=Disagreement.Status.OPEN)
        .values("kind", "fact", "component")
        .annotate(n=Count("id"))
        .order_by("kind", "-n")
    )
    by_kind: dict[str, dict[str, int]] = {}
    for row in rows:
        what = row["component"] if row["kind"] == Disagreement.Kind.PRICE else row["fact"]
        counts = by_kind.setdefault(row["kind"], {})
        counts[what or "?"] = counts.get(what or "?", 0) + row["n"]
    labels = dict(Disagreement.Kind.choices)
    parts = [
        f"{sum(counts.values())} {labels.get(kind, kind).lower()}s ("
        + ", ".join(f"{what} {n}" for what, n in sorted(counts.items(), key=lambda item: -item[1]))
        + ")"
        for kind, counts in sorted(by_kind.items(), key=lambda item: list(labels).index(item[0]))
    ]
    return "Open disagreements: " + ("; ".join(parts) if parts else "none")


@admin.register(Disagreement)
class DisagreementAdmin(admin.ModelAdmin):
    list_display = [
        "model",
        "kind",
        "offering",
        "fact",
        "component",
        "service_tier",
        "tier_min_tokens",
        "kept_value",
        "kept_source",
        "other_value",
        "other_source",
        "status",
        "last_seen_at",
    ]
    list_filter = ["status", "kind", "component", "service_tier", "fact", "other_source", "kept_source"]
    search_fields = ["model__slug", "field"]
    list_select_related = ["model", "offering__provider", "offering__model"]
    readonly_fields = [f.name for f in Disagreement._meta.fields]
    actions = ["keep", "use_other", "dismiss"]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """The queue's title counts the open disagreements by kind, and each kind by fact or price component."""
        return super().changelist_view(request, {"title": disagreement_counts(), **(extra_context or {})})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def _resolve(self, request: HttpRequest, queryset: QuerySet[Disagreement], use: str) -> None:
        done = 0
        for disagreement in queryset.filter(status=Disagreement.Status.OPEN).select_related("model", "offering"):
            try:
                curation.resolve_disagreement(disagreement, use=use, user=request.user)
                done += 1
            except ValidationError as error:
                _report(request, error)
        messages.info(request, f"Resolved {done}; the chosen values are locked against syncs.")

    @admin.action(description="Keep the current value (and lock it)")
    def keep(self, request: HttpRequest, queryset: QuerySet[Disagreement]) -> None:
        self._resolve(request, queryset, "kept")

    @admin.action(description="Use the other source's value (and lock it)")
    def use_other(self, request: HttpRequest, queryset: QuerySet[Disagreement]) -> None:
        self._resolve(request, queryset, "other")

    @admin.action(description="Dismiss")
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Disagreement]) -> None:
        count = queryset.update(status=Disagreement.Status.DISMISSED)
        messages.info(request, f"Dismissed {count}.")


# --- syncs --------------------------------------------------------------------------------------------------


@admin.register(SyncRun)
class SyncRunAdmin(AuditTrailAdmin):
    list_display = [
        "source",
        "status",
        "stage",
        "started_at",
        "took",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "dry_run",
        "triggered_by",
    ]
    list_filter = ["status", "source", "dry_run"]
    readonly_fields = [
        "source",
        "status",
        "stage",
        "dry_run",
        "triggered_by",
        "started_at",
        "finished_at",
        "took",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "counts_table",
        "skipped_list",
        "partial_failures_list",
        "notes_list",
        "error_kind",
        "error",
        "rejection_table",
        "changes_made",
    ]
    exclude = ["rejections"]
    change_list_template = "admin/providers/syncrun/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Took")
    def took(self, run: SyncRun) -> str:
        return f"{run.duration.total_seconds():.1f} s" if run.duration else "—"

    @admin.display(description="Counts by kind of row")
    def counts_table(self, run: SyncRun) -> str:
        """{"price": {"created": 838, ...}, ...} as a table, not raw JSON."""
        if not run.counts:
            return "—"
        per_kind = {kind: value if isinstance(value, dict) else {"count": value} for kind, value in run.counts.items()}
        columns = sorted({column for value in per_kind.values() for column in value})
        head = format_html_join("", "<th>{}</th>", ((column,) for column in columns))
        rows = format_html_join(
            "",
            "<tr><th>{}</th>{}</tr>",
            (
                (kind, format_html_join("", "<td>{}</td>", ((f"{value.get(c, 0):,}",) for c in columns)))
                for kind, value in sorted(per_kind.items())
            ),
        )
        return format_html("<table><tr><th>Kind</th>{}</tr>{}</table>", head, rows)

    @admin.display(description="Skipped rows")
    def skipped_list(self, run: SyncRun) -> str:
        return _reasons(run.skipped)

    @admin.display(description="Partial failures")
    def partial_failures_list(self, run: SyncRun) -> str:
        return _reasons(run.partial_failures)

    @admin.display(description="Notes")
    def notes_list(self, run: SyncRun) -> str:
        if not run.notes:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((str(note),) for note in run.notes)))

    @admin.display(description="Rejected rows")
    def rejection_table(self, run: SyncRun) -> str:
        if not run.rejections:
            return "None"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((r.get("file", ""), r.get("entry", ""), r.get("field", ""), r.get("message", "")) for r in run.rejections),
        )
        return format_html("<table><tr><th>File</th><th>Entry</th><th>Field</th><th>Why</th></tr>{}</table>", rows)

    @admin.display(description="Changes it made")
    def changes_made(self, run: SyncRun) -> str:
        count = run.changes.count()
        url = reverse("admin:providers_changeevent_changelist") + f"?sync_run__id__exact={run.pk}"
        return format_html('<a href="{}">{} change event{}</a>', url, count, "" if count == 1 else "s")

    def get_urls(self) -> list:
        return [
            path("sync-now/", self.admin_site.admin_view(self.sync_now), name="providers_syncrun_sync_now"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        running = SyncRun.objects.filter(status=SyncRun.Status.RUNNING).exists()
        return super().changelist_view(request, {"any_running": running, **(extra_context or {})})

    def sync_now(self, request: HttpRequest) -> HttpResponse:
        """Enqueue one source's sync (Celery; in-process when no broker is configured) and go watch it."""
        if not request.user.has_perm("providers.view_syncrun"):
            return HttpResponseRedirect(reverse("admin:index"))
        if request.method == "POST":
            source = request.POST.get("source", "")
            if source not in REGISTRY:
                messages.error(request, f"Unknown source “{source}”.")
            else:
                from providers.tasks import enqueue_sync

                try:
                    enqueue_sync(source, triggered_by=f"admin:{request.user.get_username()}")
                    messages.info(request, f"Sync of {source} started: its run is listed below with its progress.")
                except Exception as error:  # the broker is down: say so rather than fail the page
                    messages.error(request, f"Could not start the sync of {source}: {error}")
            return HttpResponseRedirect(reverse("admin:providers_syncrun_changelist"))
        latest = {name: SyncRun.objects.filter(source=name).order_by("-started_at").first() for name in REGISTRY}
        return TemplateResponse(
            request,
            "admin/providers/syncrun/sync_now.html",
            {
                **self.admin_site.each_context(request),
                "title": "Sync a source now",
                "sources": latest.items(),
                "opts": SyncRun._meta,
            },
        )


def _reasons(counts: dict) -> str:
    """{"reason": 3} as a list ("reason: 3"), not raw JSON."""
    if not counts:
        return "—"
    return format_html(
        "<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", ((reason, n) for reason, n in sorted(counts.items())))
    )
