from django import forms

from .selectors import SORTS, STATUS_FILTERS


class MembersFilterForm(forms.Form):
    """The team table's search, status filter and sort (GET): anything unreadable is
    ignored and the table shows unfiltered, sorted by name."""

    q = forms.CharField(label="Name", required=False, max_length=150)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Everyone"), *STATUS_FILTERS.items()]
    )
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])
    order = forms.ChoiceField(required=False, choices=[("asc", "asc"), ("desc", "desc")])

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "status": data.get("status") or "",
            "query": (data.get("q") or "").strip(),
            "sort": data.get("sort") or "name",
            "descending": data.get("order") == "desc",
        }
