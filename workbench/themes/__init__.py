"""Themes and requirements: embeddings, the theme model, the registry, requirements, NPS impact."""
