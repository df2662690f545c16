"""Courses and quizzes on the web: course pages, lessons read, attempts and their review."""
