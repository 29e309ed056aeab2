"""The quarterly reports: papermill notebooks rendered to self-contained HTML, and their pieces."""
