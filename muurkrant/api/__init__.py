"""The partner API at /api/v1/ (endpoints.py), with its auth, schemas and idempotency."""
