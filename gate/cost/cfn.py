"""CloudFormation types and property names onto the Terraform mappers' attributes,
so a template is priced by the same code and catalog keys as a plan."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Attributes = dict[str, Any]


def _instance(p: Mapping[str, Any]) -> Attributes:
    attrs: Attributes = {"instance_type": p.get("InstanceType"), "tenancy": p.get("Tenancy")}
    devices = []
    for mapping in p.get("BlockDeviceMappings") or []:
        ebs = mapping.get("Ebs") if isinstance(mapping, dict) else None
        if isinstance(ebs, dict):
            devices.append(
                {
                    "volume_type": ebs.get("VolumeType"),
                    "volume_size": ebs.get("VolumeSize"),
                    "iops": ebs.get("Iops"),
                    "throughput": ebs.get("Throughput"),
                }
            )
    if devices:
        attrs["ebs_block_device"] = devices
    return attrs


def _volume(p: Mapping[str, Any]) -> Attributes:
    return {
        "type": p.get("VolumeType"),
        "size": p.get("Size"),
        "iops": p.get("Iops"),
        "throughput": p.get("Throughput"),
    }


def _db(p: Mapping[str, Any]) -> Attributes:
    return {
        "instance_class": p.get("DBInstanceClass"),
        "engine": p.get("Engine"),
        "multi_az": str(p.get("MultiAZ")).lower() == "true",
        "allocated_storage": p.get("AllocatedStorage"),
        "storage_type": p.get("StorageType"),
        "iops": p.get("Iops"),
    }


def _lb(p: Mapping[str, Any]) -> Attributes:
    return {"load_balancer_type": p.get("Type") or "application"}


def _cache_cluster(p: Mapping[str, Any]) -> Attributes:
    return {"node_type": p.get("CacheNodeType"), "num_cache_nodes": p.get("NumCacheNodes")}


def _replication_group(p: Mapping[str, Any]) -> Attributes:
    return {
        "node_type": p.get("CacheNodeType"),
        "num_cache_clusters": p.get("NumCacheClusters"),
        "num_node_groups": p.get("NumNodeGroups"),
        "replicas_per_node_group": p.get("ReplicasPerNodeGroup"),
    }


def _table(p: Mapping[str, Any]) -> Attributes:
    raw = p.get("ProvisionedThroughput")
    throughput: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
    return {
        "billing_mode": p.get("BillingMode") or "PROVISIONED",
        "read_capacity": throughput.get("ReadCapacityUnits"),
        "write_capacity": throughput.get("WriteCapacityUnits"),
    }


def _function(p: Mapping[str, Any]) -> Attributes:
    return {"memory_size": p.get("MemorySize"), "architectures": p.get("Architectures")}


def _nothing(p: Mapping[str, Any]) -> Attributes:
    return {}


TYPES: Mapping[str, tuple[str, Callable[[Mapping[str, Any]], Attributes]]] = {
    "AWS::EC2::Instance": ("aws_instance", _instance),
    "AWS::EC2::Volume": ("aws_ebs_volume", _volume),
    "AWS::RDS::DBInstance": ("aws_db_instance", _db),
    "AWS::EC2::NatGateway": ("aws_nat_gateway", _nothing),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": ("aws_lb", _lb),
    "AWS::ElasticLoadBalancing::LoadBalancer": ("aws_elb", _nothing),
    "AWS::EKS::Cluster": ("aws_eks_cluster", _nothing),
    "AWS::ElastiCache::CacheCluster": ("aws_elasticache_cluster", _cache_cluster),
    "AWS::ElastiCache::ReplicationGroup": ("aws_elasticache_replication_group", _replication_group),
    "AWS::DynamoDB::Table": ("aws_dynamodb_table", _table),
    "AWS::Lambda::Function": ("aws_lambda_function", _function),
    "AWS::Serverless::Function": ("aws_lambda_function", _function),
    "AWS::S3::Bucket": ("aws_s3_bucket", _nothing),
}

FREE = frozenset(
    {
        "AWS::IAM::Role",
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::InstanceProfile",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::SecurityGroupEgress",
        "AWS::EC2::VPC",
        "AWS::EC2::Subnet",
        "AWS::EC2::RouteTable",
        "AWS::EC2::Route",
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::EC2::InternetGateway",
        "AWS::EC2::VPCGatewayAttachment",
        "AWS::Lambda::Permission",
        "AWS::S3::BucketPolicy",
        "AWS::SNS::TopicPolicy",
        "AWS::SQS::QueuePolicy",
        "AWS::CloudFormation::WaitConditionHandle",
        "AWS::CloudFormation::WaitCondition",
        "AWS::ElasticLoadBalancingV2::Listener",
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        "AWS::AutoScaling::LaunchConfiguration",
        "AWS::EC2::LaunchTemplate",
        "AWS::Logs::SubscriptionFilter",
        "AWS::ApiGateway::Deployment",
    }
)
"""CloudFormation types that cost nothing by themselves (as Infracost's free list for Terraform)."""


def translate(
    rtype: str, properties: Mapping[str, Any], unknown: frozenset[str]
) -> tuple[str, Attributes, frozenset[str]] | None:
    """(Terraform type, attributes, unknown attribute names) for a priced CloudFormation type."""
    known = TYPES.get(rtype)
    if known is None:
        return None
    tf_type, convert = known
    attrs = convert(properties)
    reverse = {
        "InstanceType": "instance_type",
        "DBInstanceClass": "instance_class",
        "Engine": "engine",
        "CacheNodeType": "node_type",
        "Size": "size",
        "VolumeType": "type",
    }
    return tf_type, attrs, frozenset(reverse[name] for name in unknown if name in reverse)
