"""The GeoReport v2 specification this endpoint implements, and the changeset of its service
list (the discovery document and the OpenAPI document both name them)."""

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-03-01T00:00:00+08:00"
