"""Trained models shipped with framing (installed as the ``framing.models`` package data)."""
