from .views import answering, autosave, records, sharing

app_name = "reflections"

# Each screen family keeps its routes beside its views.
urlpatterns = (
    answering.urlpatterns + autosave.urlpatterns + sharing.urlpatterns + records.urlpatterns
)
