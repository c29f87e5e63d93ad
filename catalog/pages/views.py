from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from catalog import selectors
from catalog.pages.model_page import model_page_context
from lib.caching import cached_page


@cached_page
def model_detail(request: HttpRequest, lab: str, model: str) -> HttpResponse:
    slug = f"{lab}/{model}"
    language_model = selectors.model_for_page(slug)
    if language_model is None:
        # Another source's id for a model (a snapshot id, say) leads to the canonical page.
        target = selectors.resolve_alias(slug)
        if target is not None:
            return redirect(target.get_absolute_url(), permanent=True)
        raise Http404(f"No model {slug}")
    context = model_page_context(language_model, request.GET)
    status = 400 if context["workload_form"].errors else 200  # a malformed workload in the URL
    return render(request, "catalog/model_detail.html", context, status=status)
