"""Running a grading: the batch, its workers (a process pool or a Dask cluster), and one student's task."""
