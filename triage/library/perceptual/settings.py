"""The profile's ``[perceptual]`` settings: defined with the typed profile (triage/profile/perceptual.py),
which reads and checks them when the profile loads; imported from here by the perceptual stages."""

from triage.profile.perceptual import DEFAULT_MAX_DISTANCE, PerceptualSettings, settings_from

__all__ = ["DEFAULT_MAX_DISTANCE", "PerceptualSettings", "settings_from"]
