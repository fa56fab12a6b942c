from django import forms
from django.utils.text import slugify
from markdownx.widgets import MarkdownxWidget

from modules.content import SLUG
from modules.models import Exercise, Lesson, LessonRevision, Question
from modules.rendering import MarkdownContentError, render_markdown

from .models import LessonDraft


class LessonEditorWidget(MarkdownxWidget):
    """django-markdownx's editor, its preview styled as a lesson."""

    template_name = "course_editing/markdownx_widget.html"


class LessonDraftForm(forms.Form):
    title = forms.CharField(max_length=Lesson._meta.get_field("title").max_length)
    summary = forms.CharField(
        max_length=Lesson._meta.get_field("summary").max_length,
        required=False,
        help_text="One or two sentences, shown in the course outline.",
    )
    body_markdown = forms.CharField(
        label="Lesson text (Markdown)",
        strip=False,
        widget=LessonEditorWidget(attrs={"rows": 24, "class": "form-control font-monospace"}),
        help_text="The preview beside the text shows it as practitioners will see it.",
    )
    note = forms.CharField(
        label="What changed",
        max_length=LessonDraft._meta.get_field("note").max_length,
        help_text="A short note for the lesson's history, such as “Updated the 2023 figures”.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean_body_markdown(self):
        text = self.cleaned_data["body_markdown"]
        try:
            render_markdown(text)
        except MarkdownContentError as error:
            raise forms.ValidationError(
                "This text cannot be saved: %(reason)s.", params={"reason": error}
            ) from None
        return text


class VersionForm(forms.Form):
    """The lesson's edit version the page was opened at (see course_editing.services)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class PublishForm(VersionForm):
    learners_reread = forms.BooleanField(
        label="Learners should re-read this",
        required=False,
        help_text="People who have completed the lesson see a notice until they read it again.",
    )
    reread_summary = forms.CharField(
        label="What changed, for learners (one line)",
        max_length=LessonRevision._meta.get_field("reread_summary").max_length,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("learners_reread") and not cleaned.get("reread_summary", "").strip():
            self.add_error("reread_summary", "Say in a line what changed, for learners.")
        return cleaned

    @property
    def reread_summary_or_empty(self) -> str:
        if not self.cleaned_data.get("learners_reread"):
            return ""
        return self.cleaned_data["reread_summary"].strip()


class LegalReviewForm(forms.Form):
    note = forms.CharField(
        label="What you checked or changed",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class NewLessonForm(LessonDraftForm):
    """A new lesson's first text. The address (slug) is worked out from the title
    unless given, and must be free: it names the lesson's file in content/."""

    slug = forms.CharField(
        label="Address (optional)",
        max_length=Lesson._meta.get_field("slug").max_length,
        required=False,
        help_text="Lower-case letters, digits and hyphens, such as “police-powers”. "
        "Left empty, it is made from the title.",
    )
    field_order = ("title", "slug", "summary", "body_markdown", "note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"]  # nothing to be out of date with yet
        self.fields["summary"].required = True

    def clean_slug(self):
        return self.cleaned_data["slug"].strip()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and "title" not in cleaned:
            return cleaned  # the title's own error says what to do
        slug = cleaned.get("slug") or slugify(cleaned["title"]).replace("_", "-")
        slug = slug[: Lesson._meta.get_field("slug").max_length].strip("-")
        if not slug or not SLUG.match(slug):
            self.add_error("slug", "Use only lower-case letters, digits and hyphens.")
        elif Lesson.objects.filter(slug=slug).exists():
            self.add_error("slug", f"Another lesson already has the address “{slug}”.")
        else:
            cleaned["slug"] = slug
        return cleaned


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Earlier"), ("down", "Later")])
    order = forms.IntegerField(widget=forms.HiddenInput, min_value=1)  # where it was shown


def _storable(text: str) -> str:
    try:
        render_markdown(text)
    except MarkdownContentError as error:
        raise forms.ValidationError(
            "This text cannot be saved: %(reason)s.", params={"reason": error}
        ) from None
    return text


class ExerciseIntroForm(forms.Form):
    opened_on = forms.CharField(widget=forms.HiddenInput, max_length=64)
    intro_markdown = forms.CharField(
        label="Introduction (Markdown)",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control font-monospace"}),
        help_text="What practitioners read before the questions.",
    )

    def clean_intro_markdown(self):
        return _storable(self.cleaned_data["intro_markdown"])


class QuestionForm(forms.Form):
    """One question. An existing question's key is fixed (answers are stored against
    it); the empty row at the end adds a question when its text is filled in."""

    key = forms.SlugField(
        label="Key",
        max_length=Question._meta.get_field("key").max_length,
        help_text="Lower-case letters, digits and hyphens; it never changes once saved.",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    text_markdown = forms.CharField(
        label="Question (Markdown)",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    stage = forms.ChoiceField(
        label="Answered",
        choices=Question.Stage.choices,
        initial=Question.Stage.INDIVIDUAL,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    remove = forms.BooleanField(
        label="Remove this question",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text="It is no longer asked; the answers already given are kept.",
    )

    def __init__(self, *args, existing_keys=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.is_existing = self.initial.get("key") in existing_keys
        if self.is_existing:
            self.fields["key"].widget = forms.HiddenInput()
        else:
            del self.fields["remove"]

    def clean_key(self):
        key = self.cleaned_data["key"]
        if not SLUG.match(key):
            raise forms.ValidationError("Use only lower-case letters, digits and hyphens.")
        return key

    def clean_text_markdown(self):
        text = self.cleaned_data["text_markdown"]
        if not text.strip():
            raise forms.ValidationError("Write the question.")
        return _storable(text)


class BaseQuestionFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        keys = [form.cleaned_data.get("key") for form in self.forms if form.cleaned_data]
        repeated = sorted({key for key in keys if key and keys.count(key) > 1})
        if repeated:
            raise forms.ValidationError(
                "Each question needs its own key: %(keys)s appear more than once.",
                params={"keys": ", ".join(repeated)},
            )


QuestionFormSet = forms.formset_factory(
    QuestionForm, formset=BaseQuestionFormSet, extra=1, max_num=50
)


def question_formset(exercise: Exercise, data=None) -> BaseQuestionFormSet:
    """The exercise's current questions in order, then an empty row for a new one."""
    questions = exercise.questions.current().order_by("order")
    initial = [
        {"key": q.key, "text_markdown": q.text_markdown, "stage": q.stage} for q in questions
    ]
    keys = frozenset(q.key for q in questions)
    return QuestionFormSet(
        data, initial=initial, prefix="questions", form_kwargs={"existing_keys": keys}
    )
