"""The AWS layer: the only place that imports boto3, botocore and tenacity."""
