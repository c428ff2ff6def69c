using PrivateRag.Web.PageImages;
using System.Security.Claims;
using System.Text;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using PrivateRag.Core;
using PrivateRag.Core.Access;
using PrivateRag.Core.Audit;
using PrivateRag.Core.Collections;
using PrivateRag.Core.Documents;
using PrivateRag.Core.Identity;
using PrivateRag.Core.Storage;
using PrivateRag.Ingest;
using PrivateRag.Hosting;
using PrivateRag.Inference;
using PrivateRag.Ingest.Pipeline;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Startup;

namespace PrivateRag.Web.Tests.Components;

/// <summary>
/// bUnit context with MudBlazor services, loose JS interop, the real Core and ingestion services on a temporary data
/// folder, and a signed-in local account (an admin unless the test says otherwise).
/// </summary>
public sealed class PrivateRagTestContext : BunitContext
{
    public const string AdminName = "alice";
    public const string UserName = "bob";
    public const string Password = "correct horse battery";

    public string DataPath { get; }

    public BunitAuthorizationContext Auth { get; }

    /// <param name="signedInAsAdmin">True: the admin account is signed in; false: a normal user account.</param>
    /// <param name="withAccounts">False: a fresh install without local accounts (nobody is signed in).</param>
    /// <param name="settings">More configuration, e.g. <c>Models:Chat:Path</c>.</param>
    /// <param name="configureServices">Registers more services (the provider is built in this constructor).</param>
    public PrivateRagTestContext(
        bool signedInAsAdmin = true, bool withAccounts = true, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection, IConfiguration>? configureServices = null)
    {
        DataPath = Path.Combine(Path.GetTempPath(), "privaterag-web-tests", Guid.NewGuid().ToString("N"));
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["PrivateRag:DataPath"] = DataPath })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();

        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddLogging();
        Services.AddSingleton<IConfiguration>(configuration);
        // Pages are rendered without the layout, which is where the popover provider lives.
        Services.AddMudServices(o => o.PopoverOptions.CheckForPopoverProvider = false);
        Services.AddPrivateRagCore(configuration);
        Services.AddPrivateRagIngestion(configuration, runWorkers: false);
        // As the app composes them: the model inventory and capabilities exist (empty) even without a model.
        Services.AddPrivateRagInference(configuration);
        Services.AddPrivateRagModelBridges();
        Services.AddPageImages(configuration);
        Services.AddScoped<ChatRateLimit>();
        Services.AddSingleton<AccessResolver>();
        Services.AddScoped<CurrentUser>();
        Services.AddSingleton<AntiforgeryStateProvider, NoAntiforgery>();
        configureServices?.Invoke(Services, configuration);
        Auth = AddAuthorization();

        Services.GetRequiredService<StoreMigrator>().MigrateAsync().GetAwaiter().GetResult();
        if (!withAccounts)
        {
            Auth.SetNotAuthorized();
            Admin = User = null!;
            return;
        }
        var accounts = Services.GetRequiredService<AccountService>();
        Admin = accounts.AddOrUpdateUserAsync(AdminName, Roles.Admin, [], Password).GetAwaiter().GetResult();
        User = accounts.AddOrUpdateUserAsync(UserName, Roles.User, ["staff"], Password).GetAwaiter().GetResult();
        SignIn(signedInAsAdmin ? Admin : User);
    }

    public UserInfo Admin { get; }

    public UserInfo User { get; }

    public AccessContext AdminAccess => new(AdminName, AdminName, IsAdmin: true, new HashSet<string>());

    /// <summary>Signs the account in the way the cookie does: with the claims of <see cref="AccessResolver.LocalPrincipal"/>.</summary>
    public void SignIn(UserInfo user)
    {
        var principal = AccessResolver.LocalPrincipal(user);
        Auth.SetAuthorized(principal.Identity!.Name!);
        Auth.SetClaims(principal.Claims.Where(c => c.Type is not (ClaimTypes.Name or ClaimTypes.Role)).ToArray());
        Auth.SetRoles(user.Role);
        if (user.Role == Roles.Admin) Auth.SetPolicies(Policies.Admin);
        else Auth.SetPolicies();
    }

    public async Task<Guid> CreateCollectionAsync(string name, bool everyone = true)
    {
        var collection = await Services.GetRequiredService<CollectionService>()
            .CreateAsync(new CreateCollection(name, "for tests", new CollectionAccessRule(Everyone: everyone)));
        return collection.Id;
    }

    public async Task<UploadResult> UploadTextAsync(Guid collectionId, string fileName, string text)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return await Services.GetRequiredService<DocumentService>().UploadAsync(collectionId, fileName, content, AdminAccess);
    }

    /// <summary>Puts a document in the processing state at a stage, as a worker in the middle of it would.</summary>
    public async Task SetStageAsync(Guid documentId, string stage, double progress)
    {
        await using var db = await Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<PrivateRagDbContext>>().CreateDbContextAsync();
        var document = await db.Documents.FindAsync(documentId) ?? throw new InvalidOperationException($"No document {documentId}");
        document.Status = DocumentStatus.Processing;
        document.Stage = stage;
        document.Progress = progress;
        await db.SaveChangesAsync();
    }

    /// <summary>Runs the ingestion pipeline until the queue is empty, as the background worker would.</summary>
    public async Task DrainQueueAsync()
    {
        var pipeline = Services.GetRequiredService<IngestionPipeline>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5)); // ingestion on a loaded two-core machine
        while (await pipeline.ProcessNextAsync("test", timeout.Token))
        {
        }
    }

    /// <remarks>MudBlazor's services are only async-disposable: use <c>await using</c>.</remarks>
    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        DeleteDataFolder();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) DeleteDataFolder();
    }

    private void DeleteDataFolder()
    {
        if (!Directory.Exists(DataPath)) return;
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on some platforms; the temp folder is cleaned up eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>bUnit renders no HTTP request, so forms carry no antiforgery token (the real app supplies one).</summary>
internal sealed class NoAntiforgery : AntiforgeryStateProvider
{
    public override AntiforgeryRequestToken? GetAntiforgeryToken() => null;
}
