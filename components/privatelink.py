"""VPC endpoints (AWS PrivateLink) that let nodes without internet egress reach AWS services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class PrivateLinkArgs:
    """Inputs of ``PrivateLink``.

    - ``region``: the stack's region (service names are ``com.amazonaws.<region>.<service>``).
    - ``vpc_id`` / ``vpc_cidr``: the VPC; HTTPS is allowed from its whole CIDR.
    - ``subnet_ids``: one subnet per AZ where nodes run (the network's endpoint tier); every interface
      endpoint gets an ENI in each.
    - ``route_table_ids``: the route tables of those subnets; the S3 gateway endpoint is added to each.
    - ``interface_services``: short names (``ec2``, ``ecr.api``, ...) of the interface endpoints.
    """

    region: str
    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    subnet_ids: Sequence[pulumi.Input[str]]
    route_table_ids: Sequence[pulumi.Input[str]]
    interface_services: Sequence[str]


class PrivateLink(pulumi.ComponentResource):
    """Interface endpoints with private DNS and an S3 gateway endpoint on every node route table
    (EKS User Guide, private-clusters: EC2, ECR API, ECR Docker, S3 gateway, STS, plus what the
    workloads use)."""

    security_group: aws.ec2.SecurityGroup
    interface_endpoints: dict[str, aws.ec2.VpcEndpoint]
    s3_gateway: aws.ec2.VpcEndpoint

    def __init__(self, name: str, args: PrivateLinkArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("eks-variants:privatelink:PrivateLink", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        # The endpoint ENIs must accept HTTPS from the nodes, or nodes cannot join
        # (terraform-aws-eks issue 3113); the VPC CIDR covers every node subnet.
        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-endpoints",
            vpc_id=args.vpc_id,
            description="HTTPS from the VPC to its interface endpoints",
            tags={"Name": f"{name}-endpoints"},
            opts=child,
        )
        self.https_ingress = aws.vpc.SecurityGroupIngressRule(
            f"{name}-endpoints-https",
            security_group_id=self.security_group.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=args.vpc_cidr,
            description="HTTPS from the VPC",
            opts=child,
        )

        self.interface_endpoints = {}
        for service in args.interface_services:
            self.interface_endpoints[service] = aws.ec2.VpcEndpoint(
                f"{name}-{service.replace('.', '-')}",
                vpc_id=args.vpc_id,
                service_name=f"com.amazonaws.{args.region}.{service}",
                vpc_endpoint_type="Interface",
                # Nodes call the public service names; private DNS makes those resolve to the ENIs.
                private_dns_enabled=True,
                subnet_ids=list(args.subnet_ids),
                security_group_ids=[self.security_group.id],
                tags={"Name": f"{name}-{service}"},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.https_ingress]),
            )

        # Image layers come from S3: a gateway endpoint on the node route tables
        # (sassoftware/viya4-iac-aws issue 272: nodes fail to join without the association).
        self.s3_gateway = aws.ec2.VpcEndpoint(
            f"{name}-s3",
            vpc_id=args.vpc_id,
            service_name=f"com.amazonaws.{args.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=list(args.route_table_ids),
            tags={"Name": f"{name}-s3"},
            opts=child,
        )

        self.endpoint_ids = {
            **{service: ep.id for service, ep in self.interface_endpoints.items()},
            "s3": self.s3_gateway.id,
        }
        self.register_outputs({"endpointIds": self.endpoint_ids})

    def gate(self, value: pulumi.Input) -> pulumi.Output:
        """``value`` as an Output that also depends on every endpoint, so a resource that takes it as an
        input carries a data dependency on PrivateLink (nodes never boot before the endpoints exist)."""
        return pulumi.Output.all(value, *self.endpoint_ids.values()).apply(lambda values: values[0])
