from typing import ClassVar

from django import forms
from django.http import QueryDict

from .selectors import MEMBERS_PER_PAGE, SORTS, STATUS_FILTERS


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


# Ids are 64-bit: a larger number is no one's (and the database would refuse it).
LARGEST_ID = 2**63


class MemberIdsField(forms.Field):
    """The ids of the people ticked (the form posts one `member` value for each)."""

    widget = forms.MultipleHiddenInput
    default_error_messages: ClassVar[dict[str, str]] = {
        "required": "Tick at least one person to send a reminder to.",
        "invalid": "Tick the people to remind in the table, then send.",
        "too_many": "Send reminders to at most %(limit)s people at once.",
    }

    def to_python(self, value):
        if not value:
            return []
        try:
            ids = sorted({int(item) for item in value})
        except (TypeError, ValueError):
            ids = [0]
        if not all(0 < pk < LARGEST_ID for pk in ids):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return ids

    def validate(self, value):
        super().validate(value)
        if len(value) > MEMBERS_PER_PAGE:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"limit": MEMBERS_PER_PAGE}
            )


# The team table's query parameters that a reminder sent from it returns to.
TABLE_PARAMETERS = ("q", "status", "sort", "order", "page")


class NudgeForm(forms.Form):
    """Reminders to send (POST), from the team table or a member's page. `back` is the
    table's query string, or "member" to return to the one member's page."""

    member = MemberIdsField()
    back = forms.CharField(required=False, max_length=500)

    def error_text(self) -> str:
        return " ".join(self.errors.get("member", [])) or "Tick the people to remind, then send."

    def back_url(self, *, team_url: str, member_url) -> str:
        """Where to go after sending: the member's page, or the team table as it was
        (only its own parameters, so the redirect stays on the table)."""
        data = self.cleaned_data if self.is_valid() else {}
        back = (self.data.get("back") or "")[:500]
        ids = data.get("member") or []
        if back == "member" and len(ids) == 1:
            return member_url(ids[0])
        query = QueryDict(back)
        kept = QueryDict(mutable=True)
        for key in TABLE_PARAMETERS:
            if query.get(key):
                kept[key] = query.get(key)
        return team_url + ("?" + kept.urlencode() if kept else "")
