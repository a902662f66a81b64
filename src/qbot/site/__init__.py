"""The published report as a static website (`qbot site build DIR`) and, optionally, served with a question box."""
