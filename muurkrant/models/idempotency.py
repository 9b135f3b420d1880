"""The partner API's memory of answers given to requests with an Idempotency-Key."""

from django.db import models


class IdempotencyKey(models.Model):
    """Remembers the answer to an API request made with an Idempotency-Key, so retries are safe."""

    partner = models.ForeignKey("mediahub.Partner", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "key"], name="unique_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}:{self.key}"
