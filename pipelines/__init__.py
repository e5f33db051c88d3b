"""Composition only: Definitions, resources by environment, jobs, schedules and sensors."""
