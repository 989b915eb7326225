"""A two-tier VPC: public subnets (internet gateway, public IPs on launch) and private subnets behind one NAT gateway."""
import pulumi_aws as aws

ZONES = ["us-east-1a", "us-east-1b"]


class Network:
    def __init__(self, name: str, cidr: str = "10.30.0.0/16"):
        self.vpc = aws.ec2.Vpc(name, cidr_block=cidr, enable_dns_hostnames=True, enable_dns_support=True)
        igw = aws.ec2.InternetGateway(name, vpc_id=self.vpc.id)
        public_rt = aws.ec2.RouteTable(f"{name}-public", vpc_id=self.vpc.id)
        aws.ec2.Route(f"{name}-public-default", route_table_id=public_rt.id, destination_cidr_block="0.0.0.0/0",
                      gateway_id=igw.id)
        private_rt = aws.ec2.RouteTable(f"{name}-private", vpc_id=self.vpc.id)
        self.public_subnets, self.private_subnets = [], []
        for i, az in enumerate(ZONES):
            pub = aws.ec2.Subnet(f"{name}-public-{i}", vpc_id=self.vpc.id, availability_zone=az,
                                 cidr_block=f"10.30.{i}.0/24", map_public_ip_on_launch=True)
            aws.ec2.RouteTableAssociation(f"{name}-public-{i}", subnet_id=pub.id, route_table_id=public_rt.id)
            priv = aws.ec2.Subnet(f"{name}-private-{i}", vpc_id=self.vpc.id, availability_zone=az,
                                  cidr_block=f"10.30.{64 + i * 32}.0/19")
            aws.ec2.RouteTableAssociation(f"{name}-private-{i}", subnet_id=priv.id, route_table_id=private_rt.id)
            self.public_subnets.append(pub)
            self.private_subnets.append(priv)
        eip = aws.ec2.Eip(f"{name}-nat", domain="vpc")
        nat = aws.ec2.NatGateway(f"{name}-nat", subnet_id=self.public_subnets[0].id, allocation_id=eip.id)
        aws.ec2.Route(f"{name}-private-default", route_table_id=private_rt.id, destination_cidr_block="0.0.0.0/0",
                      nat_gateway_id=nat.id)

    @property
    def public_subnet_ids(self):
        return [s.id for s in self.public_subnets]

    @property
    def private_subnet_ids(self):
        return [s.id for s in self.private_subnets]
