using Microsoft.Data.Sqlite;

namespace PointsEngine.Api.Tests.Cli;

/// `verify` on a small imported branch: clean, then with an event edited directly in the SQLite file, then
/// with a read-model row edited.
public sealed class when_the_store_is_verified : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pe-cli-verify-").FullName;
    private string Database => Path.Combine(_dir, "points.db");
    private string[] Store => ["--store-path", Database];

    public async Task InitializeAsync()
    {
        var members = LedgerFiles.Members(1, 6);
        var roster = Path.Combine(_dir, "roster.csv");
        var facts = Path.Combine(_dir, "facts.csv");
        LedgerFiles.WriteCsv(roster, LedgerFiles.RosterHeaders, LedgerFiles.RosterRows(members));
        LedgerFiles.WriteCsv(facts, LedgerFiles.FactHeaders, LedgerFiles.FactRows(members));
        await Cli.PublishDefaultRulesAsync(_dir, Store);
        var run = await Cli.RunAsync(["import", roster, facts, .. Store]);
        Assert.True(run.Exit == 0, run.ToString());
    }

    [Fact]
    public async Task an_event_edited_in_the_sqlite_file_is_reported_by_its_position()
    {
        Assert.Equal(0, (await Cli.RunAsync(["verify", .. Store])).Exit);
        long position;
        await using (var c = new SqliteConnection($"Data Source={Database}"))
        {
            await c.OpenAsync();
            var find = c.CreateCommand();
            find.CommandText = "SELECT position FROM events WHERE stream LIKE 'branch-%' ORDER BY position LIMIT 1 OFFSET 3";
            position = (long)(await find.ExecuteScalarAsync())!;
            // Every absence and excuse in the meeting becomes a presence (and, so the edit never depends on the
            // generated attendance, its topic gains a character): the JSON still reads, only the chain can tell.
            var edit = c.CreateCommand();
            edit.CommandText = """
                UPDATE events SET data = replace(replace(replace(data, 'Absent', 'Present'), 'Excused', 'Present'), '"Topic":"', '"Topic":"改')
                WHERE position = $p AND data LIKE '%"Topic":"%'
                """;
            edit.Parameters.AddWithValue("$p", position);
            Assert.Equal(1, edit.ExecuteNonQuery());
        }
        SqliteConnection.ClearAllPools();

        var run = await Cli.RunAsync(["verify", .. Store]);

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Contains($"position {position} (branch-", run.Output);
        Assert.Contains("ContentEdited", run.Output);
    }

    [Fact]
    public async Task a_read_model_row_edited_in_the_database_is_reported_as_a_difference_from_a_replay()
    {
        await using (var c = new SqliteConnection($"Data Source={Database}"))
        {
            await c.OpenAsync();
            var find = c.CreateCommand();
            find.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm_standings_%_award_lines'";
            var table = (string)(await find.ExecuteScalarAsync())!;
            var edit = c.CreateCommand();
            edit.CommandText = $"UPDATE {table} SET granted = granted + 500 WHERE rowid = (SELECT min(rowid) FROM {table})";
            Assert.Equal(1, edit.ExecuteNonQuery());
        }
        SqliteConnection.ClearAllPools();

        var run = await Cli.RunAsync(["verify", .. Store]);

        Assert.True(run.Exit == 1, run.ToString());
        Assert.Contains("chain intact", run.Output);
        Assert.Contains("read model standings.award_lines differs from a replay: 1 extra row(s), 1 missing", run.Output);
        Assert.Contains("read model activity equals a replay", run.Output);

        // A rebuild repairs it.
        Assert.Equal(0, (await Cli.RunAsync(["rebuild", .. Store])).Exit);
        Assert.Equal(0, (await Cli.RunAsync(["verify", .. Store])).Exit);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
        return Task.CompletedTask;
    }
}
