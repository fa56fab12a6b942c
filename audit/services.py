from .models import AuditEvent


def audit_record(*, action: str, actor=None, target=None, **detail) -> AuditEvent:
    """Record an event. Pass ids and short facts in `detail`, never answer text."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        detail=detail,
    )
