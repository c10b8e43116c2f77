using PointsEngine.Engine.Actors;

namespace PointsEngine.Engine.Tests.Scoring;

/// #17: `Engine:Cluster:*` that cannot form the cluster asked for stops the node at start with the setting to change.
public sealed class a_cluster_configuration
{
    [Theory]
    [InlineData("127.0.0.1", 0, "127.0.0.1:4053", "a fixed port")]
    [InlineData("127.0.0.1", 4053, "127.0.0.1", "host:port")]
    [InlineData("127.0.0.1", 4053, "127.0.0.1:99999", "host:port")]
    [InlineData("127.0.0.1", 70000, "", "0–65535")]
    public void a_cluster_configuration_that_cannot_work_is_refused_with_the_setting_to_change(string host, int port, string seeds, string says)
    {
        var options = new ClusterOptions
        {
            Hostname = host, Port = port, SeedNodes = seeds.Length == 0 ? [] : [seeds], LeaseConnectionString = "Host=db",
        };
        Assert.Contains(says, Assert.Throws<ClusterConfigurationException>(options.Validate).Message);
    }

    [Fact]
    public void several_nodes_without_postgresql_are_refused()
    {
        var options = new ClusterOptions { Port = 4053, SeedNodes = ["127.0.0.1:4053"] };
        Assert.Contains("PostgreSQL", Assert.Throws<ClusterConfigurationException>(options.Validate).Message);
    }
}
