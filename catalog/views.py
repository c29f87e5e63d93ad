from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from benchmarks.selectors import scores_for_model
from catalog import presenters, selectors
from providers.selectors import offerings_for_model


def model_detail(request: HttpRequest, lab: str, model: str) -> HttpResponse:
    slug = f"{lab}/{model}"
    language_model = selectors.model_page(slug)
    if language_model is None:
        # Another source's id for a model (a snapshot id, say) leads to the canonical page.
        target = selectors.resolve_alias(slug)
        if target is not None:
            return redirect(target.get_absolute_url(), permanent=True)
        raise Http404(f"No model {slug}")
    ladder = presenters.price_ladder(offerings_for_model(language_model))
    scores = list(scores_for_model(language_model))
    context = {
        "model": language_model,
        "ladder": ladder,
        "priced_rows": [row for row in ladder if row.input is not None and not row.retired],
        "scores": scores,
        "faq": presenters.faq(language_model, ladder, scores),
    }
    return render(request, "catalog/model_detail.html", context)
