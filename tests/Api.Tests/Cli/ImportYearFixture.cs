using System.Diagnostics;
using PointsEngine.Store.Sqlite;

namespace PointsEngine.Api.Tests.Cli;

/// One organisation year imported once for the tests that read it: 300 members in 10 branches (roster
/// as .xlsx) and a year of facts (about 21,700 rows as .csv), imported by one command.
public sealed class ImportYearFixture : IAsyncLifetime
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("pe-cli-year-").FullName;
    public string Database => Path.Combine(Dir, "points.db");
    public string Roster => Path.Combine(Dir, "党员名册.xlsx");
    public string Facts => Path.Combine(Dir, "积分台账.csv");
    public List<LedgerFiles.Member> Members { get; } = LedgerFiles.Members(10, 30);
    public List<string[]> FactRows { get; private set; } = [];
    public CliRun FirstImport { get; private set; } = null!;
    public TimeSpan FirstImportTook { get; private set; }

    public string[] Store => ["--store-path", Database];

    public async Task InitializeAsync()
    {
        LedgerFiles.WriteXlsx(Roster, "党员名册", LedgerFiles.RosterHeaders, LedgerFiles.RosterRows(Members));
        FactRows = LedgerFiles.FactRows(Members);
        LedgerFiles.WriteCsv(Facts, LedgerFiles.FactHeaders, FactRows);
        await Cli.PublishDefaultRulesAsync(Dir, Store);
        var clock = Stopwatch.StartNew();
        FirstImport = await Cli.RunAsync(["import", Roster, Facts, "--operator", "李书记", .. Store]);
        FirstImportTook = clock.Elapsed;
    }

    public async Task<SqliteEventStore> OpenAsync() => await SqliteEventStore.OpenAsync(new SqliteStoreOptions(Database));

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Dir, recursive: true); }
        catch (IOException) { }
        return Task.CompletedTask;
    }
}
