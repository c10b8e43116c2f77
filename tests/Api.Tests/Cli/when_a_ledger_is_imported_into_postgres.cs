using PointsEngine.Domain.Values;
using PointsEngine.Engine.Scoring;
using PointsEngine.Projections.Queries;
using PointsEngine.Store.Postgres;
using PointsEngine.TestSupport;

namespace PointsEngine.Api.Tests.Cli;

[Collection(PostgresFixture.Collection)]
public sealed class when_a_ledger_is_imported_into_postgres(PostgresFixture postgres) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pe-cli-pg-").FullName;

    [Fact]
    public async Task it_imports_once_scores_and_exports_the_same_totals()
    {
        var connection = await postgres.CreateDatabaseAsync("cli");
        string[] store = ["--postgres", connection];
        var members = LedgerFiles.Members(2, 10);
        var roster = Path.Combine(_dir, "roster.xlsx");
        var facts = Path.Combine(_dir, "facts.csv");
        LedgerFiles.WriteXlsx(roster, "党员名册", LedgerFiles.RosterHeaders, LedgerFiles.RosterRows(members));
        var rows = LedgerFiles.FactRows(members);
        LedgerFiles.WriteCsv(facts, LedgerFiles.FactHeaders, rows);
        await Cli.PublishDefaultRulesAsync(_dir, store);

        var first = await Cli.RunAsync(["import", roster, facts, .. store]);
        Assert.True(first.Exit == 0, first.ToString());
        Assert.Contains($"imported: {20 + rows.Count} new", first.Output);
        var second = await Cli.RunAsync(["import", roster, facts, .. store]);
        Assert.Contains($"imported: 0 new (0 facts), {20 + rows.Count} already recorded, 0 rejected", second.Output);

        var export = Path.Combine(_dir, "standings.csv");
        Assert.Equal(0, (await Cli.RunAsync(["export", "standings", "--year", "2025", "--out", export, .. store])).Exit);
        await using var pg = await PostgresEventStore.OpenAsync(new PostgresStoreOptions(connection));
        var models = new ReadModels(pg, DomainSerializer.Create());
        var exported = when_a_year_of_ledgers_is_imported.Table(Spreadsheets.Spreadsheet.Read(export).Single());
        Assert.Equal(20, exported.Count);
        foreach (var row in exported)
            Assert.Equal((await models.StandingAsync(new MemberId(row["党员编号"]), 2025))!.Total, when_a_year_of_ledgers_is_imported.Number(row["总分"]));
        Assert.Equal(0, (await Cli.RunAsync(["verify", .. store])).Exit);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
