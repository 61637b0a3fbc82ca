"""API of the participation app, mounted under /api/v1/participation/."""

from ninja import Router

router = Router(tags=["participation"])
