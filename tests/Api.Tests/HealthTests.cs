using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Newtonsoft.Json.Linq;
using PointsEngine.TestSupport;

namespace PointsEngine.Api.Tests;

public sealed class when_the_server_starts_on_a_new_sqlite_file : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pe-api-").FullName;

    [Fact]
    public async Task health_answers_ok_and_the_file_is_created()
    {
        var path = Path.Combine(_dir, "nested", "points.db");
        await using var factory = new WebApplicationFactory<Program>()
            .WithWebHostBuilder(b => b.UseSetting("Store:Path", path));
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JObject.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", (string?)body["status"]);
        Assert.Equal(0L, (long?)body["headPosition"]);
        Assert.True(File.Exists(path), "the SQLite file is created on first start");
    }

    [Fact]
    public async Task an_unknown_store_provider_stops_start_up_with_a_clear_message()
    {
        await using var factory = new WebApplicationFactory<Program>()
            .WithWebHostBuilder(b => b.UseSetting("Store:Provider", "oracle").UseSetting("Store:Path", Path.Combine(_dir, "x.db")));

        var error = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());
        Assert.Contains("oracle", error.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

[CollectionDefinition(PostgresFixture.Collection)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;

[Collection(PostgresFixture.Collection)]
public sealed class when_the_server_starts_on_postgresql(PostgresFixture postgres)
{
    [Fact]
    public async Task health_answers_ok_from_the_database()
    {
        var database = await postgres.CreateDatabaseAsync("api");
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Store:Provider", "postgres")
            .UseSetting("Store:ConnectionString", database));
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (string?)JObject.Parse(await response.Content.ReadAsStringAsync())["status"]);
    }

    [Fact]
    public void a_missing_connection_string_stops_start_up_with_a_clear_message()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("Store:Provider", "postgres"));

        var error = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());

        Assert.Contains("Store:ConnectionString", error.Message);
    }
}
