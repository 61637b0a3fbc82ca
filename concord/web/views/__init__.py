"""Views of the web app: residents' front door, staff workbench, supervisor dashboard."""
