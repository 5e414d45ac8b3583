"""CloudFormation types and property names onto the Terraform mappers' attributes,
so a template is priced by the same code and catalog keys as a plan.

The CloudFormation reader resolves intrinsics where it can: numbers and booleans
arrive as strings, and a ``Ref`` to another resource arrives as None (unknown), so
an auto scaling group reaches its launch template only through the estimate's
reference resolver: it asks with the Terraform-style attribute path, which
``REFERENCE_PATHS`` turns into the property path the reader recorded the ``Ref`` at.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Attributes = dict[str, Any]
Properties = Mapping[str, Any]


def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _ebs(ebs: Mapping[str, Any]) -> Attributes:
    return {
        "volume_type": ebs.get("VolumeType"),
        "volume_size": ebs.get("VolumeSize"),
        "iops": ebs.get("Iops"),
        "throughput": ebs.get("Throughput"),
    }


_ROOT_DEVICES = ("/dev/xvda", "/dev/sda1")


def _instance(p: Properties) -> Attributes:
    attrs: Attributes = {
        "instance_type": p.get("InstanceType"),
        "tenancy": p.get("Tenancy"),
        "ebs_optimized": p.get("EbsOptimized"),
        "monitoring": p.get("Monitoring"),
        "host_id": p.get("HostId"),
        "credit_specification": [
            {"cpu_credits": _obj(p.get("CreditSpecification")).get("CPUCredits")}
        ],
    }
    devices = []
    for mapping in _list(p.get("BlockDeviceMappings")):
        ebs = _obj(_obj(mapping).get("Ebs"))
        if not ebs:
            continue
        if _obj(mapping).get("DeviceName") in _ROOT_DEVICES:
            attrs["root_block_device"] = [_ebs(ebs)]
        else:
            devices.append(_ebs(ebs))
    attrs["ebs_block_device"] = devices
    lt = _obj(p.get("LaunchTemplate"))
    if lt:
        attrs["launch_template"] = [
            {"id": lt.get("LaunchTemplateId"), "name": lt.get("LaunchTemplateName")}
        ]
    return attrs


def _launch_template(p: Properties) -> Attributes:
    """The ``LaunchTemplateData`` of an AWS::EC2::LaunchTemplate, as Terraform spells it."""
    data = _obj(p.get("LaunchTemplateData"))
    return {
        "name": p.get("LaunchTemplateName"),
        "instance_type": data.get("InstanceType"),
        "ebs_optimized": data.get("EbsOptimized"),
        "monitoring": [{"enabled": _obj(data.get("Monitoring")).get("Enabled")}],
        "placement": [{"tenancy": _obj(data.get("Placement")).get("Tenancy")}],
        "credit_specification": [
            {"cpu_credits": _obj(data.get("CreditSpecification")).get("CpuCredits")}
        ],
        "block_device_mappings": [
            {"ebs": [_ebs(_obj(_obj(m).get("Ebs")))]}
            for m in _list(data.get("BlockDeviceMappings"))
            if _obj(_obj(m).get("Ebs"))
        ],
    }


def _launch_configuration(p: Properties) -> Attributes:
    root: list[Attributes] = []
    devices = []
    for mapping in _list(p.get("BlockDeviceMappings")):
        ebs = _obj(_obj(mapping).get("Ebs"))
        if ebs and _obj(mapping).get("DeviceName") in _ROOT_DEVICES:
            root = [_ebs(ebs)]
        elif ebs:
            devices.append(_ebs(ebs))
    return {
        "instance_type": p.get("InstanceType"),
        "placement_tenancy": p.get("PlacementTenancy"),
        "ebs_optimized": p.get("EbsOptimized"),
        "enable_monitoring": str(p.get("InstanceMonitoring", "true")).lower() != "false",
        "root_block_device": root,
        "ebs_block_device": devices,
    }


def _autoscaling_group(p: Properties) -> Attributes:
    lt = _obj(p.get("LaunchTemplate"))
    mixed = _obj(p.get("MixedInstancesPolicy"))
    spec = _obj(_obj(mixed.get("LaunchTemplate")).get("LaunchTemplateSpecification"))
    overrides = _list(_obj(mixed.get("LaunchTemplate")).get("Overrides"))
    distribution = _obj(mixed.get("InstancesDistribution"))
    attrs: Attributes = {
        "desired_capacity": p.get("DesiredCapacity"),
        "min_size": p.get("MinSize"),
        "launch_configuration": p.get("LaunchConfigurationName"),
    }
    if lt:
        attrs["launch_template"] = [
            {"id": lt.get("LaunchTemplateId"), "name": lt.get("LaunchTemplateName")}
        ]
    if mixed:
        attrs["mixed_instances_policy"] = [
            {
                "launch_template": [
                    {
                        "launch_template_specification": [
                            {
                                "launch_template_id": spec.get("LaunchTemplateId"),
                                "launch_template_name": spec.get("LaunchTemplateName"),
                            }
                        ],
                        "override": [
                            {
                                "instance_type": _obj(o).get("InstanceType"),
                                "weighted_capacity": _obj(o).get("WeightedCapacity"),
                            }
                            for o in overrides
                        ],
                    }
                ],
                "instances_distribution": [
                    {
                        "on_demand_base_capacity": distribution.get("OnDemandBaseCapacity"),
                        "on_demand_percentage_above_base_capacity": distribution.get(
                            "OnDemandPercentageAboveBaseCapacity"
                        ),
                    }
                ],
            }
        ]
    return attrs


def _node_group(p: Properties) -> Attributes:
    lt = _obj(p.get("LaunchTemplate"))
    return {
        "scaling_config": [{"desired_size": _obj(p.get("ScalingConfig")).get("DesiredSize")}],
        "instance_types": p.get("InstanceTypes"),
        "disk_size": p.get("DiskSize"),
        "capacity_type": p.get("CapacityType"),
        "launch_template": [{"id": lt.get("Id"), "name": lt.get("Name")}] if lt else [],
    }


def _volume(p: Properties) -> Attributes:
    return {
        "type": p.get("VolumeType"),
        "size": p.get("Size"),
        "iops": p.get("Iops"),
        "throughput": p.get("Throughput"),
    }


def _db(p: Properties) -> Attributes:
    return {
        "instance_class": p.get("DBInstanceClass"),
        "engine": p.get("Engine"),
        "license_model": p.get("LicenseModel"),
        "multi_az": str(p.get("MultiAZ")).lower() == "true",
        "allocated_storage": p.get("AllocatedStorage"),
        "storage_type": p.get("StorageType"),
        "iops": p.get("Iops"),
        "backup_retention_period": p.get("BackupRetentionPeriod"),
        "performance_insights_enabled": p.get("EnablePerformanceInsights"),
        "performance_insights_retention_period": p.get("PerformanceInsightsRetentionPeriod"),
    }


def _db_cluster(p: Properties) -> Attributes:
    return {
        "engine": p.get("Engine"),
        "engine_mode": p.get("EngineMode"),
        "storage_type": p.get("StorageType"),
        "backup_retention_period": p.get("BackupRetentionPeriod"),
    }


def _class_only(p: Properties) -> Attributes:
    return {"instance_class": p.get("DBInstanceClass")}


def _cache_cluster(p: Properties) -> Attributes:
    return {
        "node_type": p.get("CacheNodeType"),
        "num_cache_nodes": p.get("NumCacheNodes"),
        "engine": p.get("Engine"),
        "snapshot_retention_limit": p.get("SnapshotRetentionLimit"),
    }


def _replication_group(p: Properties) -> Attributes:
    return {
        "node_type": p.get("CacheNodeType"),
        "engine": p.get("Engine"),
        "num_cache_clusters": p.get("NumCacheClusters"),
        "num_node_groups": p.get("NumNodeGroups"),
        "replicas_per_node_group": p.get("ReplicasPerNodeGroup"),
        "snapshot_retention_limit": p.get("SnapshotRetentionLimit"),
    }


def _search(config_key: str) -> Callable[[Properties], Attributes]:
    def convert(p: Properties) -> Attributes:
        c = _obj(p.get(config_key))
        e = _obj(p.get("EBSOptions"))
        return {
            "cluster_config": [
                {
                    "instance_type": c.get("InstanceType"),
                    "instance_count": c.get("InstanceCount"),
                    "dedicated_master_enabled": c.get("DedicatedMasterEnabled"),
                    "dedicated_master_type": c.get("DedicatedMasterType"),
                    "dedicated_master_count": c.get("DedicatedMasterCount"),
                    "warm_enabled": c.get("WarmEnabled"),
                    "warm_type": c.get("WarmType"),
                    "warm_count": c.get("WarmCount"),
                }
            ],
            "ebs_options": [
                {
                    "ebs_enabled": e.get("EBSEnabled"),
                    "volume_size": e.get("VolumeSize"),
                    "volume_type": e.get("VolumeType"),
                    "iops": e.get("Iops"),
                    "throughput": e.get("Throughput"),
                }
            ],
        }

    return convert


def _redshift(p: Properties) -> Attributes:
    single = str(p.get("ClusterType") or "").lower() == "single-node"
    return {
        "node_type": p.get("NodeType"),
        "number_of_nodes": "1" if single else p.get("NumberOfNodes"),
    }


def _msk(p: Properties) -> Attributes:
    info = _obj(p.get("BrokerNodeGroupInfo"))
    ebs = _obj(_obj(info.get("StorageInfo")).get("EBSStorageInfo"))
    return {
        "number_of_broker_nodes": p.get("NumberOfBrokerNodes"),
        "broker_node_group_info": [
            {
                "instance_type": info.get("InstanceType"),
                "storage_info": [{"ebs_storage_info": [{"volume_size": ebs.get("VolumeSize")}]}],
            }
        ],
    }


def _mq(p: Properties) -> Attributes:
    return {
        "engine_type": p.get("EngineType"),
        "host_instance_type": p.get("HostInstanceType"),
        "deployment_mode": p.get("DeploymentMode"),
        "storage_type": p.get("StorageType"),
    }


def _ecs_service(p: Properties) -> Attributes:
    return {
        "launch_type": p.get("LaunchType"),
        "capacity_provider_strategy": [
            {"capacity_provider": _obj(s).get("CapacityProvider")}
            for s in _list(p.get("CapacityProviderStrategy"))
        ],
        "desired_count": p.get("DesiredCount", "1"),
        "task_definition": p.get("TaskDefinition"),
    }


def _task_definition(p: Properties) -> Attributes:
    return {"cpu": p.get("Cpu"), "memory": p.get("Memory"), "family": p.get("Family")}


def _function(p: Properties) -> Attributes:
    return {
        "memory_size": p.get("MemorySize"),
        "architectures": p.get("Architectures"),
        "ephemeral_storage": [{"size": _obj(p.get("EphemeralStorage")).get("Size")}],
    }


def _table(p: Properties) -> Attributes:
    throughput = _obj(p.get("ProvisionedThroughput"))
    pitr = _obj(p.get("PointInTimeRecoverySpecification")).get("PointInTimeRecoveryEnabled")
    return {
        "billing_mode": p.get("BillingMode") or "PROVISIONED",
        "read_capacity": throughput.get("ReadCapacityUnits"),
        "write_capacity": throughput.get("WriteCapacityUnits"),
        "point_in_time_recovery": [{"enabled": pitr}],
    }


def _efs(p: Properties) -> Attributes:
    return {
        "availability_zone_name": p.get("AvailabilityZoneName"),
        "lifecycle_policy": _list(p.get("LifecyclePolicies")),
        "throughput_mode": p.get("ThroughputMode"),
        "provisioned_throughput_in_mibps": p.get("ProvisionedThroughputInMibps"),
    }


def _fsx(p: Properties) -> Attributes:
    windows = _obj(p.get("WindowsConfiguration"))
    zfs = _obj(p.get("OpenZFSConfiguration"))
    config = windows or zfs
    iops = _obj(zfs.get("DiskIopsConfiguration"))
    return {
        "storage_capacity": p.get("StorageCapacity"),
        "storage_type": p.get("StorageType"),
        "throughput_capacity": config.get("ThroughputCapacity"),
        "deployment_type": config.get("DeploymentType"),
        "disk_iops_configuration": [{"mode": iops.get("Mode"), "iops": iops.get("Iops")}]
        if iops
        else [],
        "root_volume_configuration": [
            {
                "data_compression_type": _obj(zfs.get("RootVolumeConfiguration")).get(
                    "DataCompressionType"
                )
            }
        ],
    }


def _lb(p: Properties) -> Attributes:
    return {"load_balancer_type": p.get("Type") or "application"}


def _vpc_endpoint(p: Properties) -> Attributes:
    return {
        "vpc_endpoint_type": p.get("VpcEndpointType") or "Gateway",
        "subnet_ids": p.get("SubnetIds"),
    }


def _kinesis(p: Properties) -> Attributes:
    return {
        "stream_mode_details": [
            {"stream_mode": _obj(p.get("StreamModeDetails")).get("StreamMode")}
        ],
        "shard_count": p.get("ShardCount"),
    }


def _firehose(p: Properties) -> Attributes:
    s3 = _obj(p.get("ExtendedS3DestinationConfiguration"))
    conversion = _obj(s3.get("DataFormatConversionConfiguration"))
    attrs: Attributes = {
        "extended_s3_configuration": [
            {
                "data_format_conversion_configuration": [{"enabled": conversion.get("Enabled")}]
                if conversion
                else []
            }
        ],
    }
    for cfn_key, tf_key in (
        ("ElasticsearchDestinationConfiguration", "elasticsearch_configuration"),
        ("AmazonopensearchserviceDestinationConfiguration", "opensearch_configuration"),
    ):
        vpc = _obj(_obj(p.get(cfn_key)).get("VpcConfiguration"))
        if vpc:
            attrs[tf_key] = [{"vpc_config": [{"subnet_ids": vpc.get("SubnetIds")}]}]
    return attrs


def _waf(p: Properties) -> Attributes:
    return {"rules": _list(p.get("Rules")), "rule": _list(p.get("Rules"))}


def _health_check(p: Properties) -> Attributes:
    c = _obj(p.get("HealthCheckConfig"))
    return {
        "type": c.get("Type"),
        "measure_latency": c.get("MeasureLatency"),
        "request_interval": c.get("RequestInterval"),
    }


def _queue(p: Properties) -> Attributes:
    return {"fifo_queue": p.get("FifoQueue")}


def _eip(p: Properties) -> Attributes:
    return {"instance": p.get("InstanceId")}


def _host(p: Properties) -> Attributes:
    return {"instance_family": p.get("InstanceFamily"), "instance_type": p.get("InstanceType")}


def _nothing(p: Properties) -> Attributes:
    return {}


TYPES: Mapping[str, tuple[str, Callable[[Properties], Attributes]]] = {
    "AWS::EC2::Instance": ("aws_instance", _instance),
    "AWS::AutoScaling::AutoScalingGroup": ("aws_autoscaling_group", _autoscaling_group),
    "AWS::EKS::Nodegroup": ("aws_eks_node_group", _node_group),
    "AWS::EC2::Host": ("aws_ec2_host", _host),
    "AWS::EC2::EIP": ("aws_eip", _eip),
    "AWS::EC2::Volume": ("aws_ebs_volume", _volume),
    "AWS::RDS::DBInstance": ("aws_db_instance", _db),
    "AWS::RDS::DBCluster": ("aws_rds_cluster", _db_cluster),
    "AWS::DocDB::DBInstance": ("aws_docdb_cluster_instance", _class_only),
    "AWS::DocDB::DBCluster": ("aws_docdb_cluster", _nothing),
    "AWS::Neptune::DBInstance": ("aws_neptune_cluster_instance", _class_only),
    "AWS::Neptune::DBCluster": ("aws_neptune_cluster", _db_cluster),
    "AWS::ElastiCache::CacheCluster": ("aws_elasticache_cluster", _cache_cluster),
    "AWS::ElastiCache::ReplicationGroup": ("aws_elasticache_replication_group", _replication_group),
    "AWS::OpenSearchService::Domain": ("aws_opensearch_domain", _search("ClusterConfig")),
    "AWS::Elasticsearch::Domain": (
        "aws_elasticsearch_domain",
        _search("ElasticsearchClusterConfig"),
    ),
    "AWS::Redshift::Cluster": ("aws_redshift_cluster", _redshift),
    "AWS::MSK::Cluster": ("aws_msk_cluster", _msk),
    "AWS::AmazonMQ::Broker": ("aws_mq_broker", _mq),
    "AWS::EKS::Cluster": ("aws_eks_cluster", _nothing),
    "AWS::ECS::Service": ("aws_ecs_service", _ecs_service),
    "AWS::Lambda::Function": ("aws_lambda_function", _function),
    "AWS::Serverless::Function": ("aws_lambda_function", _function),
    "AWS::DynamoDB::Table": ("aws_dynamodb_table", _table),
    "AWS::EFS::FileSystem": ("aws_efs_file_system", _efs),
    "AWS::FSx::FileSystem": ("aws_fsx_windows_file_system", _fsx),
    "AWS::S3::Bucket": ("aws_s3_bucket", _nothing),
    "AWS::EC2::NatGateway": ("aws_nat_gateway", _nothing),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": ("aws_lb", _lb),
    "AWS::ElasticLoadBalancing::LoadBalancer": ("aws_elb", _nothing),
    "AWS::EC2::VPCEndpoint": ("aws_vpc_endpoint", _vpc_endpoint),
    "AWS::EC2::VPNConnection": (
        "aws_vpn_connection",
        lambda p: {"transit_gateway_id": p.get("TransitGatewayId")},
    ),
    "AWS::Transfer::Server": ("aws_transfer_server", lambda p: {"protocols": p.get("Protocols")}),
    "AWS::Kinesis::Stream": ("aws_kinesis_stream", _kinesis),
    "AWS::KinesisFirehose::DeliveryStream": ("aws_kinesis_firehose_delivery_stream", _firehose),
    "AWS::Logs::LogGroup": ("aws_cloudwatch_log_group", _nothing),
    "AWS::WAF::WebACL": ("aws_waf_web_acl", _waf),
    "AWS::WAFv2::WebACL": ("aws_wafv2_web_acl", _waf),
    "AWS::Route53::HostedZone": ("aws_route53_zone", _nothing),
    "AWS::Route53::HealthCheck": ("aws_route53_health_check", _health_check),
    "AWS::Backup::BackupVault": ("aws_backup_vault", _nothing),
    "AWS::KMS::Key": ("aws_kms_key", _nothing),
    "AWS::SecretsManager::Secret": ("aws_secretsmanager_secret", _nothing),
    "AWS::SQS::Queue": ("aws_sqs_queue", _queue),
}

SHAPES: Mapping[str, Callable[[Properties], Attributes]] = {
    "AWS::EC2::LaunchTemplate": _launch_template,
    "AWS::AutoScaling::LaunchConfiguration": _launch_configuration,
    "AWS::ECS::TaskDefinition": _task_definition,
    "AWS::EC2::Volume": lambda p: {"size": p.get("Size")},
    "AWS::Neptune::DBCluster": lambda p: {"storage_type": p.get("StorageType")},
}
"""Free types that other resources take their shape from, as Terraform spells them."""

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
        "AWS::ECS::Cluster",
        "AWS::ECS::TaskDefinition",
        "AWS::RDS::DBSubnetGroup",
        "AWS::ElastiCache::SubnetGroup",
        "AWS::Logs::SubscriptionFilter",
        "AWS::ApiGateway::Deployment",
        # networking that costs nothing by itself (traffic through it is usage)
        "AWS::EC2::NetworkAcl",
        "AWS::EC2::NetworkAclEntry",
        "AWS::EC2::SubnetNetworkAclAssociation",
        "AWS::EC2::DHCPOptions",
        "AWS::EC2::VPCDHCPOptionsAssociation",
        "AWS::EC2::VPCCidrBlock",
        "AWS::EC2::SubnetCidrBlock",
        "AWS::EC2::EgressOnlyInternetGateway",
        "AWS::EC2::GatewayRouteTableAssociation",
        "AWS::EC2::VPCPeeringConnection",
        "AWS::EC2::NetworkInterface",
        "AWS::EC2::NetworkInterfaceAttachment",
        "AWS::EC2::VolumeAttachment",
        "AWS::EC2::EIPAssociation",
        "AWS::EC2::KeyPair",
        "AWS::EC2::PlacementGroup",
        "AWS::EC2::PrefixList",
        # identity and permissions
        "AWS::IAM::User",
        "AWS::IAM::Group",
        "AWS::IAM::UserToGroupAddition",
        "AWS::IAM::AccessKey",
        "AWS::IAM::ServiceLinkedRole",
        "AWS::IAM::OIDCProvider",
        "AWS::IAM::SAMLProvider",
        "AWS::IAM::RolePolicy",
        "AWS::IAM::UserPolicy",
        "AWS::IAM::GroupPolicy",
        "AWS::KMS::Alias",
        "AWS::WAFv2::WebACLAssociation",
        # configuration around a priced resource, which carries the cost
        "AWS::Lambda::EventSourceMapping",
        "AWS::Lambda::Alias",
        "AWS::Lambda::Version",
        "AWS::Lambda::LayerVersion",
        "AWS::Lambda::LayerVersionPermission",
        "AWS::Lambda::EventInvokeConfig",
        "AWS::Logs::MetricFilter",
        "AWS::Logs::LogStream",
        "AWS::Logs::ResourcePolicy",
        "AWS::SNS::Subscription",
        "AWS::ApiGateway::Resource",
        "AWS::ApiGateway::Method",
        "AWS::ApiGateway::Model",
        "AWS::ApiGateway::RequestValidator",
        "AWS::ApiGateway::Authorizer",
        "AWS::ApiGateway::Account",
        "AWS::ApiGateway::BasePathMapping",
        "AWS::ApiGateway::GatewayResponse",
        "AWS::ApiGateway::UsagePlanKey",
        "AWS::ApiGatewayV2::Route",
        "AWS::ApiGatewayV2::Integration",
        "AWS::ApiGatewayV2::Authorizer",
        "AWS::ApiGatewayV2::ApiMapping",
        "AWS::ElasticLoadBalancingV2::ListenerCertificate",
        "AWS::AutoScaling::ScalingPolicy",
        "AWS::AutoScaling::ScheduledAction",
        "AWS::AutoScaling::LifecycleHook",
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        "AWS::SecretsManager::SecretTargetAttachment",
        "AWS::SecretsManager::RotationSchedule",
        "AWS::SecretsManager::ResourcePolicy",
        "AWS::EFS::MountTarget",
        "AWS::EFS::AccessPoint",
        "AWS::RDS::DBParameterGroup",
        "AWS::RDS::DBClusterParameterGroup",
        "AWS::RDS::OptionGroup",
        "AWS::ElastiCache::ParameterGroup",
        "AWS::Cognito::UserPoolClient",
        "AWS::Cognito::UserPoolDomain",
        "AWS::Cognito::UserPoolGroup",
        "AWS::Cognito::IdentityPoolRoleAttachment",
        "AWS::CloudFormation::CustomResource",  # the function behind it is priced
    }
)
"""CloudFormation types that cost nothing by themselves (as Infracost's free list for Terraform)."""

_REVERSE = {
    "InstanceType": "instance_type",
    "DBInstanceClass": "instance_class",
    "Engine": "engine",
    "CacheNodeType": "node_type",
    "Size": "size",
    "VolumeType": "type",
    "NodeType": "node_type",
    "NumberOfBrokerNodes": "number_of_broker_nodes",
    "EngineType": "engine_type",
    "HostInstanceType": "host_instance_type",
    "DesiredCount": "desired_count",
    "ShardCount": "shard_count",
    "StorageCapacity": "storage_capacity",
    "MinSize": "min_size",
    "DesiredCapacity": "desired_capacity",
    "SubnetIds": "subnet_ids",
    "InstanceTypes": "instance_types",
    "TransitGatewayId": "transit_gateway_id",
}


_ASG = "AWS::AutoScaling::AutoScalingGroup"
_MIXED = "MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification"
_TF_MIXED = "mixed_instances_policy.0.launch_template.0.launch_template_specification.0"

REFERENCE_PATHS: Mapping[tuple[str, str], str] = {
    ("AWS::EC2::Instance", "launch_template.0.id"): "LaunchTemplate.LaunchTemplateId",
    ("AWS::EC2::Instance", "launch_template.0.name"): "LaunchTemplate.LaunchTemplateName",
    (_ASG, "launch_configuration"): "LaunchConfigurationName",
    (_ASG, "launch_template.0.id"): "LaunchTemplate.LaunchTemplateId",
    (_ASG, "launch_template.0.name"): "LaunchTemplate.LaunchTemplateName",
    (_ASG, f"{_TF_MIXED}.launch_template_id"): f"{_MIXED}.LaunchTemplateId",
    (_ASG, f"{_TF_MIXED}.launch_template_name"): f"{_MIXED}.LaunchTemplateName",
    ("AWS::EKS::Nodegroup", "launch_template.0.id"): "LaunchTemplate.Id",
    ("AWS::EKS::Nodegroup", "launch_template.0.name"): "LaunchTemplate.Name",
    ("AWS::ECS::Service", "task_definition"): "TaskDefinition",
}
"""(CloudFormation type, the attribute path a mapper asks for) → the property path the
template reader records the ``Ref``/``Fn::GetAtt`` of (``Resource.references``)."""


def translate(
    rtype: str, properties: Mapping[str, Any], unknown: frozenset[str]
) -> tuple[str, Attributes, frozenset[str]] | None:
    """(Terraform type, attributes, unknown attribute names) for a priced CloudFormation type."""
    known = TYPES.get(rtype)
    if known is None:
        return None
    tf_type, convert = known
    if rtype == "AWS::RDS::DBInstance" and properties.get("DBClusterIdentifier"):
        tf_type = "aws_rds_cluster_instance"  # an Aurora cluster member
    elif rtype == "AWS::FSx::FileSystem":
        if str(properties.get("FileSystemType")).upper() == "OPENZFS":
            tf_type = "aws_fsx_openzfs_file_system"
        elif str(properties.get("FileSystemType")).upper() != "WINDOWS":
            tf_type = f"AWS::FSx::FileSystem ({properties.get('FileSystemType')})"
    attrs = convert(properties)
    names = {_REVERSE[name] for name in unknown if name in _REVERSE}
    if "ClusterConfig" in unknown or "ElasticsearchClusterConfig" in unknown:
        names.add("cluster_config")
    return tf_type, attrs, frozenset(names)


def shape(rtype: str, properties: Mapping[str, Any]) -> Mapping[str, Any]:
    """A referenced CloudFormation resource's properties as the mappers read them."""
    convert = SHAPES.get(rtype)
    return convert(properties) if convert is not None else properties
