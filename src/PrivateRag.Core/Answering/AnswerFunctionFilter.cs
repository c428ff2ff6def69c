using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using PrivateRag.Core.Operations;

namespace PrivateRag.Core.Answering;

/// <summary>
/// Traces and logs every Semantic Kernel step of an answer (condense, answer) with its duration. It logs names and
/// timings only: questions, sources and answers never reach a log line.
/// </summary>
public sealed class AnswerFunctionFilter(ILogger<AnswerFunctionFilter> logger) : IFunctionInvocationFilter
{
    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        using var activity = PrivateRagTelemetry.Traces.StartActivity($"kernel.{context.Function.Name}");
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            PrivateRagTelemetry.Errors.Add(1, new KeyValuePair<string, object?>("area", "chat"));
            logger.LogWarning("Answer step {Step} failed after {Ms:0} ms: {Error}", context.Function.Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds, e.GetType().Name);
            throw;
        }
        logger.LogDebug("Answer step {Step} returned after {Ms:0} ms", context.Function.Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}
