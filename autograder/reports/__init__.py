"""Reports: grades.csv, the feedback pages, the class report, and the export to the LMS."""
