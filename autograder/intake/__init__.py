"""Intake: from an LMS download or a folder of folders to one submission per student, with identities."""
