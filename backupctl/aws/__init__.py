"""The AWS layer: the only place that imports boto3, botocore and tenacity (the retries of
notifications too, in ``delivery_retries``, though not all of them are AWS calls)."""
