"""ARNs and resource types: ``service:type`` (as the tagging API and tag policies
name them) onto Terraform and CloudFormation type names."""

from __future__ import annotations

from gate._record import frozen

# service:type -> (Terraform type, CloudFormation type)
TYPES: dict[str, tuple[str, str]] = {
    "ec2:instance": ("aws_instance", "AWS::EC2::Instance"),
    "ec2:volume": ("aws_ebs_volume", "AWS::EC2::Volume"),
    "ec2:elastic-ip": ("aws_eip", "AWS::EC2::EIP"),
    "ec2:natgateway": ("aws_nat_gateway", "AWS::EC2::NatGateway"),
    "ec2:vpc": ("aws_vpc", "AWS::EC2::VPC"),
    "ec2:subnet": ("aws_subnet", "AWS::EC2::Subnet"),
    "ec2:security-group": ("aws_security_group", "AWS::EC2::SecurityGroup"),
    "ec2:snapshot": ("aws_ebs_snapshot", "AWS::EC2::Snapshot"),
    "ec2:image": ("aws_ami", "AWS::EC2::Image"),
    "ec2:launch-template": ("aws_launch_template", "AWS::EC2::LaunchTemplate"),
    "ec2:network-interface": ("aws_network_interface", "AWS::EC2::NetworkInterface"),
    "ec2:internet-gateway": ("aws_internet_gateway", "AWS::EC2::InternetGateway"),
    "ec2:route-table": ("aws_route_table", "AWS::EC2::RouteTable"),
    "ec2:transit-gateway": ("aws_ec2_transit_gateway", "AWS::EC2::TransitGateway"),
    "rds:db": ("aws_db_instance", "AWS::RDS::DBInstance"),
    "rds:cluster": ("aws_rds_cluster", "AWS::RDS::DBCluster"),
    "lambda:function": ("aws_lambda_function", "AWS::Lambda::Function"),
    "elasticloadbalancing:loadbalancer/app": (
        "aws_lb",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
    ),
    "elasticloadbalancing:loadbalancer/net": (
        "aws_lb",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
    ),
    "elasticloadbalancing:loadbalancer": ("aws_elb", "AWS::ElasticLoadBalancing::LoadBalancer"),
    "elasticloadbalancing:targetgroup": (
        "aws_lb_target_group",
        "AWS::ElasticLoadBalancingV2::TargetGroup",
    ),
    "s3:bucket": ("aws_s3_bucket", "AWS::S3::Bucket"),
    "dynamodb:table": ("aws_dynamodb_table", "AWS::DynamoDB::Table"),
    "elasticache:cluster": ("aws_elasticache_cluster", "AWS::ElastiCache::CacheCluster"),
    "eks:cluster": ("aws_eks_cluster", "AWS::EKS::Cluster"),
    "sqs:queue": ("aws_sqs_queue", "AWS::SQS::Queue"),
    "sns:topic": ("aws_sns_topic", "AWS::SNS::Topic"),
    "kms:key": ("aws_kms_key", "AWS::KMS::Key"),
    "logs:log-group": ("aws_cloudwatch_log_group", "AWS::Logs::LogGroup"),
    "secretsmanager:secret": ("aws_secretsmanager_secret", "AWS::SecretsManager::Secret"),
    "ecs:cluster": ("aws_ecs_cluster", "AWS::ECS::Cluster"),
    "ecs:service": ("aws_ecs_service", "AWS::ECS::Service"),
    "efs:file-system": ("aws_efs_file_system", "AWS::EFS::FileSystem"),
    "cloudformation:stack": ("aws_cloudformation_stack", "AWS::CloudFormation::Stack"),
}


@frozen(slots=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def kind(self) -> str:
        """``service:type`` the way tag policies write it."""
        resource = self.resource
        if self.service == "s3" and "/" not in resource:
            return "s3:bucket"
        if self.service in ("sqs", "sns"):
            return f"{self.service}:{'queue' if self.service == 'sqs' else 'topic'}"
        if self.service == "elasticloadbalancing" and resource.startswith("loadbalancer/"):
            parts = resource.split("/")
            return (
                f"elasticloadbalancing:loadbalancer/{parts[1]}"
                if len(parts) > 3
                else "elasticloadbalancing:loadbalancer"
            )
        for separator in ("/", ":"):
            if separator in resource:
                return f"{self.service}:{resource.split(separator, 1)[0]}"
        return f"{self.service}:{resource}"

    @property
    def terraform_type(self) -> str:
        known = TYPES.get(self.kind)
        return known[0] if known else f"aws:{self.kind}"


def parse(text: str) -> Arn | None:
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])
