"""Terraform resource types that take tags even when their block writes none.

From a plan, a resource's ``tags``/``tags_all`` attribute says whether it takes tags;
from source, a block without ``tags`` says nothing, and a costly resource written
without tags must still be reported as missing them (an untagged ``aws_msk_cluster``
is $22,000 a month nobody owns). These are the AWS provider's taggable types the
gate prices, and the common unpriced ones; a type not listed is taggable only when
its block writes tags.
"""

from __future__ import annotations

# Every type the offline catalog prices takes tags, except these (no tags argument in
# the AWS provider).
_PRICED_UNTAGGABLE = frozenset({"aws_docdb_cluster_snapshot", "aws_neptune_cluster_snapshot"})

_COMMON = frozenset(
    {
        "aws_acm_certificate",
        "aws_ami",
        "aws_api_gateway_rest_api",
        "aws_api_gateway_stage",
        "aws_apigatewayv2_api",
        "aws_apigatewayv2_stage",
        "aws_appsync_graphql_api",
        "aws_athena_workgroup",
        "aws_backup_plan",
        "aws_batch_compute_environment",
        "aws_cloudfront_distribution",
        "aws_cloudtrail",
        "aws_cloudwatch_event_rule",
        "aws_cloudwatch_metric_alarm",
        "aws_codebuild_project",
        "aws_codepipeline",
        "aws_cognito_user_pool",
        "aws_customer_gateway",
        "aws_db_parameter_group",
        "aws_db_subnet_group",
        "aws_dms_replication_instance",
        "aws_ec2_transit_gateway",
        "aws_ecr_repository",
        "aws_ecs_cluster",
        "aws_ecs_task_definition",
        "aws_elasticache_subnet_group",
        "aws_emr_cluster",
        "aws_glue_job",
        "aws_iam_policy",
        "aws_iam_role",
        "aws_iam_user",
        "aws_internet_gateway",
        "aws_key_pair",
        "aws_launch_configuration",
        "aws_launch_template",
        "aws_lb_target_group",
        "aws_network_interface",
        "aws_placement_group",
        "aws_route_table",
        "aws_sagemaker_endpoint",
        "aws_sagemaker_notebook_instance",
        "aws_security_group",
        "aws_sfn_state_machine",
        "aws_sns_topic",
        "aws_ssm_parameter",
        "aws_subnet",
        "aws_vpc",
        "aws_vpn_gateway",
        "aws_workspaces_workspace",
    }
)


def _taggable() -> frozenset[str]:
    from gate.cost.aws import MAPPERS

    priced = {t for t in MAPPERS if t.startswith("aws_")} - _PRICED_UNTAGGABLE
    return frozenset(priced | _COMMON)


TAGGABLE_TYPES = _taggable()
