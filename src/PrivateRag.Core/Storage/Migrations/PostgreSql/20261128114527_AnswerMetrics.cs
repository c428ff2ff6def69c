using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateRag.Core.Storage.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class AnswerMetrics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "FirstTokenMs",
                table: "ConversationTurns",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LatencyMs",
                table: "ConversationTurns",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "NotFound",
                table: "ConversationTurns",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_ConversationTurns_Role_CreatedAt",
                table: "ConversationTurns",
                columns: new[] { "Role", "CreatedAt" });

            // Answers given before this migration: the two fixed "found nothing" answers are the not-found ones
            // (their texts as ChatService wrote them then), so the not-found rate covers the past too.
            migrationBuilder.Sql(
                "UPDATE \"ConversationTurns\" SET \"NotFound\" = TRUE WHERE \"Role\" = 'Assistant' AND \"Text\" IN (" +
                "'I could not find anything about this in the documents you can access.', " +
                "'The documents you can access do not seem to cover this question. The nearest passages are listed below; they may not answer it.');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ConversationTurns_Role_CreatedAt",
                table: "ConversationTurns");

            migrationBuilder.DropColumn(
                name: "FirstTokenMs",
                table: "ConversationTurns");

            migrationBuilder.DropColumn(
                name: "LatencyMs",
                table: "ConversationTurns");

            migrationBuilder.DropColumn(
                name: "NotFound",
                table: "ConversationTurns");
        }
    }
}
