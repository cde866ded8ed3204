import { Body, Controller, Get, HttpCode, HttpStatus, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { settingsUpdateSchema, type SettingsUpdate } from '../../src/settings/settings-schema.js';
import { type SettingsView, settingsViewSchema } from '../../src/models/settings-view.js';
import { Caller, type RequestCaller } from '../auth/request-caller.js';
import { workOrdersRoutePrefix } from '../work-orders/work-orders.controller.js';
import {
  type ClaudeCliTest,
  claudeCliTestSchema,
  type GitHubConnectionTest,
  gitHubConnectionTestSchema,
  type SettingsAudit,
  type SettingsAuditQuery,
  settingsAuditQuerySchema,
  settingsAuditSchema,
  type TestGitHubRequest,
  testGitHubRequestSchema,
} from './settings.dto.js';
import { SettingsApiService } from './settings.service.js';

/** Settings in effect (each with its source), changes to the stored ones, and the connection tests. */
@ApiTags('settings')
@Controller(`${workOrdersRoutePrefix}/settings`)
export class SettingsController {
  constructor(private readonly settings: SettingsApiService) {}

  @Get()
  @ApiOperation({ summary: 'Settings in effect, each with its source (env, stored, default); the token masked' })
  @ApiOkResponse({ standardSchema: settingsViewSchema })
  get(): Promise<SettingsView> {
    return this.settings.view();
  }

  @Put()
  @ApiOperation({ summary: 'Save settings (any subset; null clears a stored value); environment variables still win' })
  @ApiOkResponse({ standardSchema: settingsViewSchema })
  @ApiResponse({ status: 401, description: 'claude_cli_path or github_token sent without the API token' })
  @ApiResponse({ status: 422, description: 'a value breaks its rule (claude_cli_path: not an executable file); the errors name the field' })
  update(@Body({ schema: settingsUpdateSchema }) change: SettingsUpdate, @Caller() caller: RequestCaller): Promise<SettingsView> {
    return this.settings.update(change, caller);
  }

  @Get('audit')
  @ApiOperation({ summary: 'Who changed which setting, when, from where (newest first); never a value' })
  @ApiOkResponse({ standardSchema: settingsAuditSchema })
  audit(@Query({ schema: settingsAuditQuerySchema }) query: SettingsAuditQuery): Promise<SettingsAudit> {
    return this.settings.audit(query.limit, query.offset);
  }

  @Post('test-github')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Is the GitHub API reachable, is the token valid, whose is it (a given token, or the one in effect)' })
  @ApiBody({ required: false, schema: { type: 'object', properties: { github_token: { type: 'string' } } } })
  @ApiOkResponse({ standardSchema: gitHubConnectionTestSchema })
  testGitHub(@Body({ schema: testGitHubRequestSchema }) request: TestGitHubRequest): Promise<GitHubConnectionTest> {
    return this.settings.testGitHub(request);
  }

  @Post('test-claude')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Is the Claude Code CLI found, which version' })
  @ApiOkResponse({ standardSchema: claudeCliTestSchema })
  testClaude(): Promise<ClaudeCliTest> {
    return this.settings.testClaude();
  }
}
