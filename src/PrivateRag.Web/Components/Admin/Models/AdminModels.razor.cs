using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.AI;
using PrivateRag.Core;
using PrivateRag.Inference.Catalog;
using PrivateRag.Inference.Inventory;
using PrivateRag.Inference.Scheduling;
using PrivateRag.Web.Auth;
using PrivateRag.Web.Components.Shared;

namespace PrivateRag.Web.Components.Admin.Models;

public partial class AdminModels : IDisposable
{
    [Inject] private ModelInventory Inventory { get; set; } = default!;

    [Inject] private ModelDownloads Downloads { get; set; } = default!;

    [Inject] private GenerationThroughput Throughput { get; set; } = default!;

    [Inject] private IConfiguration Configuration { get; set; } = default!;

    [Inject] private ModelCapabilities Capabilities { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private ILogger<AdminModels> Logger { get; set; } = default!;

    /// <summary>How often live figures and model states refresh while the page is open.</summary>
    [Parameter] public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _disposed = new();
    private RefreshLoop? _refresh;
    private readonly List<ModelLiveCharts.SchedulerSample> _samples = [];
    private IReadOnlyList<ModelReport> _reports = [];
    private IReadOnlyList<long> _tokens = [];
    private IReadOnlyList<ConfigurationKey> _keys = [];
    private IChatSchedulerStatus? _scheduler;
    private IChatClient? _chat;
    private string? _user;

    protected override void OnInitialized()
    {
        // Both null without a configured (local, for the scheduler) chat model: the page says so instead.
        _scheduler = Inventory.Scheduler;
        _chat = Capabilities.Chat;
        _keys = ConfigurationKeys.Describe(Configuration, ConfigurationKeys.ModelSections);
        Sample();
        Downloads.Changed += OnDownloadsChanged;
        // Live figures for as long as the page is open.
        _refresh = new RefreshLoop(InvokeAsync, () =>
        {
            Sample();
            StateHasChanged();
            return Task.FromResult(true);
        });
        _refresh.Start(RefreshInterval);
    }

    protected override async Task OnInitializedAsync()
    {
        try
        {
            _user = (await CurrentUser.RequireAsync(_disposed.Token)).Subject;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogDebug(e, "No current user for the test prompt's fairness key");
        }
    }

    private void Sample()
    {
        _reports = Inventory.Describe();
        _tokens = Throughput.PerSecond();
        if (_scheduler is null) return;
        _samples.Add(new(_scheduler.Active, _scheduler.Queued));
        if (_samples.Count > GenerationThroughput.WindowSeconds) _samples.RemoveAt(0);
    }

    private void OnDownloadsChanged()
    {
        if (_disposed.IsCancellationRequested) return;
        _ = InvokeAsync(StateHasChanged);
    }

    public void Dispose()
    {
        Downloads.Changed -= OnDownloadsChanged;
        _refresh?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
