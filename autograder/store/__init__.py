"""What a grading run keeps: the OUT folder, the journal, nbgrader's gradebook, and safe file writes."""
