"""awsx VPC with its default layout (a public and a private subnet per zone, a NAT gateway per zone) and a
pulumi-eks cluster that runs every pod on Fargate (`fargate=`), private-only API endpoint. Config
`serverless:profileSubnets`: `private` (default: the VPC's `private_subnet_ids`) or `public` (`public_subnet_ids`,
the mistake: Fargate profiles accept private subnets only)."""
import pulumi
import pulumi_awsx as awsx
import pulumi_eks as eks

tier = pulumi.Config().get("profileSubnets") or "private"
vpc = awsx.ec2.Vpc("serverless", cidr_block="10.80.0.0/16", number_of_availability_zones=2,
                   enable_dns_hostnames=True)
cluster = eks.Cluster(
    "serverless",
    vpc_id=vpc.vpc_id,
    public_subnet_ids=vpc.public_subnet_ids,
    private_subnet_ids=vpc.private_subnet_ids,
    endpoint_private_access=True,
    endpoint_public_access=False,
    authentication_mode=eks.AuthenticationMode.API,
    fargate=eks.FargateProfileArgs(
        subnet_ids=vpc.private_subnet_ids if tier == "private" else vpc.public_subnet_ids,
        selectors=[{"namespace": "default"}, {"namespace": "kube-system"}]),
)
pulumi.export("kubeconfig", cluster.kubeconfig)
