"""The JSON API: courses, quizzes, attempts and progress, described by an OpenAPI document."""
