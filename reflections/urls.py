from .views import answering, records, sharing

app_name = "reflections"

# Each screen family keeps its routes beside its views.
urlpatterns = answering.urlpatterns + sharing.urlpatterns + records.urlpatterns
